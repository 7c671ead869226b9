; Inno Setup script: Roomcast-<version>-setup.exe from the PyInstaller bundle.
;
;   pyinstaller --noconfirm --clean packaging\roomcast.spec --distpath dist --workpath build\pyinstaller
;   iscc /DAppVersion=0.1.0 packaging\windows\roomcast.iss
;
; Installs dist\Roomcast\* into Program Files\Roomcast (or the user's Programs
; folder when installed without admin rights), adds a Start-menu shortcut, an
; optional desktop shortcut, the roomcast:// and roomcasts:// link handlers (as the
; Linux .desktop file does) and an uninstaller. Paths are relative to this file.
; .github/workflows/release.yml runs it on windows-latest.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "Roomcast"
#define AppExe "roomcast.exe"

[Setup]
; The AppId identifies the product across versions (upgrades, uninstall): never change it.
AppId={{A123F916-0433-4442-A7C7-B103695DF80C}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The Roomcast developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=Roomcast-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\roomcast.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\Roomcast\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; roomcast://HOST:PORT/r/ROOM and roomcasts://... open the room in the app.
Root: HKA; Subkey: "Software\Classes\roomcast"; ValueType: string; ValueName: ""; ValueData: "URL:Roomcast room"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\roomcast"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\roomcast\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKA; Subkey: "Software\Classes\roomcast\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\roomcasts"; ValueType: string; ValueName: ""; ValueData: "URL:Roomcast room (TLS)"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\roomcasts"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\roomcasts\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKA; Subkey: "Software\Classes\roomcasts\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
