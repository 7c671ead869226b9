<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>ChatSession</name>
    <message>
        <source>Enter a ws:// or wss:// address to connect to</source>
        <extracomment>A history request is on its way (one at a time). The room was CONNECTED at least once since it was opened. Disconnect was asked: the client is closing (it still runs a moment). A chat message from someone else that counts as unread (desktop/rooms.py, the unread rule): (RoomEntry, Row). The room shown is about to change (RoomEntry or None): save its draft now. A room reached CONNECTED for the first time since it was opened. A page of older messages landed in a room. The embedded room server while hosting (same loop, no thread). The open rooms, in the user&apos;s order (what the room list shows). Every open room, by ``room_key``. The room the window shows (its timeline is the model&apos;s). Is the window looked at (active, not minimised)? Set by the window; the unread rule needs it.</extracomment>
        <translation>Geben Sie eine ws://- oder wss://-Adresse ein, um sich zu verbinden</translation>
    </message>
    <message>
        <source>Not connected: the message was not sent</source>
        <translation>Nicht verbunden: Die Nachricht wurde nicht gesendet</translation>
    </message>
    <message>
        <source>Not connected: the frame was not sent</source>
        <translation>Nicht verbunden: Der Frame wurde nicht gesendet</translation>
    </message>
    <message>
        <source>Already hosting: stop hosting first</source>
        <translation>Sie hosten bereits: Beenden Sie zuerst das Hosten</translation>
    </message>
    <message>
        <source>Cannot host: {error}</source>
        <translation>Hosten nicht möglich: {error}</translation>
    </message>
    <message>
        <source>No network interface found: only this computer can join for now</source>
        <translation>Keine Netzwerkschnittstelle gefunden: Vorerst kann nur dieser Computer beitreten</translation>
    </message>
    <message>
        <source>Hosting room {room}: invite {address}</source>
        <translation>Raum {room} wird gehostet: Einladung {address}</translation>
    </message>
    <message>
        <source>Stopped hosting</source>
        <translation>Hosten beendet</translation>
    </message>
    <message>
        <source>Host: {text}</source>
        <translation>Host: {text}</translation>
    </message>
    <message>
        <source>Unexpected error while {what}: {error}</source>
        <translation>Unerwarteter Fehler beim Vorgang „{what}“: {error}</translation>
    </message>
    <message>
        <source>Connected to {url}</source>
        <translation>Verbunden mit {url}</translation>
    </message>
    <message>
        <source>Connected to {url} (not a Roomcast server: showing its frames as they come)</source>
        <translation>Verbunden mit {url} (kein Roomcast-Server: seine Frames werden gezeigt, wie sie kommen)</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Getrennt</translation>
    </message>
    <message>
        <source>you</source>
        <translation>du</translation>
    </message>
    <message>
        <source>Message not sent: {error}</source>
        <translation>Nachricht nicht gesendet: {error}</translation>
    </message>
    <message>
        <source>Joined room {room} as {you} ({count} here)</source>
        <translation>Raum {room} als {you} betreten ({count} anwesend)</translation>
    </message>
    <message>
        <source>Some messages could not be restored: the gap was longer than the room keeps</source>
        <translation>Einige Nachrichten konnten nicht wiederhergestellt werden: Die Lücke war länger, als der Raum aufbewahrt</translation>
    </message>
    <message>
        <source>{name} joined ({count} here)</source>
        <translation>{name} ist beigetreten ({count} anwesend)</translation>
    </message>
    <message>
        <source>{name} left ({count} here)</source>
        <translation>{name} hat den Raum verlassen ({count} anwesend)</translation>
    </message>
    <message>
        <source>Server error ({code}): {message}</source>
        <translation>Serverfehler ({code}): {message}</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Type a message; Enter sends it, Shift+Enter starts a new line</source>
        <translation>Nachricht eingeben; Eingabetaste sendet, Umschalt+Eingabe beginnt eine neue Zeile</translation>
    </message>
    <message>
        <source>Not connected: connect to a server to send messages</source>
        <translation>Nicht verbunden: Verbinden Sie sich mit einem Server, um Nachrichten zu senden</translation>
    </message>
    <message>
        <source>Raw JSON frame — Enter sends it as it is</source>
        <translation>Roher JSON-Frame – die Eingabetaste sendet ihn unverändert</translation>
    </message>
    <message>
        <source>Message — Enter sends, Shift+Enter adds a line</source>
        <translation>Nachricht – Eingabe sendet, Umschalt+Eingabe fügt eine Zeile ein</translation>
    </message>
    <message>
        <source>Not valid JSON: {error}; nothing was sent</source>
        <translation>Kein gültiges JSON: {error}; es wurde nichts gesendet</translation>
    </message>
</context>
<context>
    <name>ComposerBar</name>
    <message>
        <source>Ra&amp;w JSON</source>
        <translation>Ro&amp;hes JSON</translation>
    </message>
    <message>
        <source>Send raw JSON</source>
        <translation>Rohes JSON senden</translation>
    </message>
    <message>
        <source>Send the text as one frame, as it is, after checking that it is JSON</source>
        <translation>Den Text unverändert als einen Frame senden, nachdem geprüft wurde, dass er JSON ist</translation>
    </message>
    <message>
        <source>Raw JSON error</source>
        <translation>Fehler im rohen JSON</translation>
    </message>
</context>
<context>
    <name>ConnectionBar</name>
    <message>
        <source>A ws:// or wss:// address; several, separated by commas, for failover</source>
        <translation>Eine ws://- oder wss://-Adresse; mehrere, durch Kommas getrennt, für die Ausfallsicherung</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Serveradresse</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>Ihr Name</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>Anzeigename</translation>
    </message>
    <message>
        <source>The name the others see, 1 to {limit} characters</source>
        <translation>Der Name, den die anderen sehen, 1 bis {limit} Zeichen</translation>
    </message>
    <message>
        <source>password (if the room has one)</source>
        <translation>Passwort (falls der Raum eines hat)</translation>
    </message>
    <message>
        <source>Room password</source>
        <translation>Raumpasswort</translation>
    </message>
    <message>
        <source>Only for rooms that need a password; leave empty otherwise</source>
        <translation>Nur für Räume mit Passwort; sonst leer lassen</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>Connect or disconnect</source>
        <translation>Verbinden oder trennen</translation>
    </message>
    <message>
        <source>Connects to the server address, or disconnects when connected</source>
        <translation>Verbindet mit der Serveradresse oder trennt eine bestehende Verbindung</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>Trennen</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Search messages and authors</source>
        <extracomment>How long typing must pause before the filter is applied.</extracomment>
        <translation>Nachrichten und Autoren durchsuchen</translation>
    </message>
    <message>
        <source>Search messages</source>
        <translation>Nachrichten durchsuchen</translation>
    </message>
    <message>
        <source>Shows only the messages whose text or author contains this text, ignoring case. Esc clears the filter and closes the bar.</source>
        <translation>Zeigt nur die Nachrichten, deren Text oder Autor diesen Text enthält, ohne Groß-/Kleinschreibung. Esc löscht den Filter und schließt die Leiste.</translation>
    </message>
    <message>
        <source>Regular e&amp;xpression</source>
        <translation>Regulärer A&amp;usdruck</translation>
    </message>
    <message>
        <source>Regular expression</source>
        <translation>Regulärer Ausdruck</translation>
    </message>
    <message>
        <source>Treat the search text as a regular expression (ignoring case).</source>
        <translation>Den Suchtext als regulären Ausdruck behandeln (ohne Groß-/Kleinschreibung).</translation>
    </message>
    <message>
        <source>&amp;Direction:</source>
        <translation>R&amp;ichtung:</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Richtung</translation>
    </message>
    <message>
        <source>Show all messages, only those received, or only those sent.</source>
        <translation>Alle Nachrichten zeigen, nur empfangene oder nur gesendete.</translation>
    </message>
    <message>
        <source>Close the filter (Esc)</source>
        <translation>Filter schließen (Esc)</translation>
    </message>
    <message>
        <source>Close filter</source>
        <translation>Filter schließen</translation>
    </message>
    <message>
        <source>Clears the filter, shows every message again and closes this bar.</source>
        <translation>Löscht den Filter, zeigt wieder alle Nachrichten und schließt diese Leiste.</translation>
    </message>
    <message>
        <source>Matches</source>
        <translation>Treffer</translation>
    </message>
    <message>
        <source>Previous match (Shift+Enter, Shift+F3)</source>
        <translation>Voriger Treffer (Umschalt+Eingabe, Umschalt+F3)</translation>
    </message>
    <message>
        <source>Previous match</source>
        <translation>Voriger Treffer</translation>
    </message>
    <message>
        <source>Selects the match above the selected one, wrapping around</source>
        <translation>Wählt den Treffer über dem gewählten, am Anfang weiter am Ende</translation>
    </message>
    <message>
        <source>Next match (Enter, F3)</source>
        <translation>Nächster Treffer (Eingabe, F3)</translation>
    </message>
    <message>
        <source>Next match</source>
        <translation>Nächster Treffer</translation>
    </message>
    <message>
        <source>Selects the match below the selected one, wrapping around</source>
        <translation>Wählt den Treffer unter dem gewählten, am Ende weiter am Anfang</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Zeigen:</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>&amp;Chat</translation>
    </message>
    <message>
        <source>Chat messages</source>
        <translation>Chatnachrichten</translation>
    </message>
    <message>
        <source>System notices</source>
        <translation>Systemhinweise</translation>
    </message>
    <message>
        <source>S&amp;ystem</source>
        <translation>S&amp;ystem</translation>
    </message>
    <message>
        <source>&amp;JSON</source>
        <translation>&amp;JSON</translation>
    </message>
    <message>
        <source>JSON frames</source>
        <translation>JSON-Frames</translation>
    </message>
    <message>
        <source>Raw &amp;text</source>
        <translation>Roher &amp;Text</translation>
    </message>
    <message>
        <source>Raw text frames</source>
        <translation>Rohe Text-Frames</translation>
    </message>
    <message>
        <source>&amp;Binary</source>
        <translation>&amp;Binär</translation>
    </message>
    <message>
        <source>Binary frames</source>
        <translation>Binäre Frames</translation>
    </message>
    <message>
        <source>Show or hide this kind of row.</source>
        <translation>Diese Art von Zeilen zeigen oder ausblenden.</translation>
    </message>
    <message>
        <source>Filter error</source>
        <translation>Filterfehler</translation>
    </message>
    <message>
        <source>No matches</source>
        <translation>Keine Treffer</translation>
    </message>
    <message>
        <source>1 match</source>
        <translation>1 Treffer</translation>
    </message>
    <message>
        <source>{count} matches</source>
        <translation>{count} Treffer</translation>
    </message>
    <message>
        <source>{current} of {count}</source>
        <translation>{current} von {count}</translation>
    </message>
</context>
<context>
    <name>HostDialog</name>
    <message>
        <source>A room needs a name.</source>
        <extracomment>&quot;Only this computer&quot;: nobody else can even reach the port. &quot;People on my network&quot;: every IPv4 interface. How far above a busy port we look for a free one to suggest. Typing &quot;8766&quot; in the spin box must not bind four times. Modules of white around a QR symbol; scanners need at least 4 (ISO/IEC 18004).</extracomment>
        <translation>Ein Raum braucht einen Namen.</translation>
    </message>
    <message>
        <source>space</source>
        <translation>Leerzeichen</translation>
    </message>
    <message>
        <source>Not allowed in a room name: {shown}. Use letters, digits, &apos;_&apos;, &apos;.&apos; or &apos;-&apos;.</source>
        <translation>In einem Raumnamen nicht erlaubt: {shown}. Verwenden Sie Buchstaben, Ziffern, „_“, „.“ oder „-“.</translation>
    </message>
    <message>
        <source>A room name has at most 64 characters (this one has {count}).</source>
        <translation>Ein Raumname hat höchstens 64 Zeichen (dieser hat {count}).</translation>
    </message>
    <message>
        <source>Port {port} is in use.</source>
        <translation>Port {port} ist belegt.</translation>
    </message>
    <message>
        <source>Port {port} needs administrator rights (ports below 1024).</source>
        <translation>Port {port} braucht Administratorrechte (Ports unter 1024).</translation>
    </message>
    <message>
        <source>Port {port} can&apos;t be used: {reason}.</source>
        <translation>Port {port} kann nicht verwendet werden: {reason}.</translation>
    </message>
    <message>
        <source>Host a room</source>
        <translation>Raum hosten</translation>
    </message>
    <message>
        <source>Room name</source>
        <translation>Raumname</translation>
    </message>
    <message>
        <source>1 to 64 letters, digits, &apos;_&apos;, &apos;.&apos; or &apos;-&apos;</source>
        <translation>1 bis 64 Buchstaben, Ziffern, „_“, „.“ oder „-“</translation>
    </message>
    <message>
        <source>Room name problem</source>
        <translation>Problem mit dem Raumnamen</translation>
    </message>
    <message>
        <source>Only this computer</source>
        <translation>Nur dieser Computer</translation>
    </message>
    <message>
        <source>Only this computer can join</source>
        <translation>Nur dieser Computer kann beitreten</translation>
    </message>
    <message>
        <source>Listen on {host}: for trying things out</source>
        <translation>Auf {host} lauschen: zum Ausprobieren</translation>
    </message>
    <message>
        <source>People on my network</source>
        <translation>Personen in meinem Netzwerk</translation>
    </message>
    <message>
        <source>People on my network can join</source>
        <translation>Personen in meinem Netzwerk können beitreten</translation>
    </message>
    <message>
        <source>Listen on {host}: anyone who can reach this computer</source>
        <translation>Auf {host} lauschen: alle, die diesen Computer erreichen können</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>The TCP port others connect to; checked as you type</source>
        <translation>Der TCP-Port, mit dem sich andere verbinden; wird während der Eingabe geprüft</translation>
    </message>
    <message>
        <source>Port problem</source>
        <translation>Problem mit dem Port</translation>
    </message>
    <message>
        <source>Use a free port</source>
        <translation>Einen freien Port verwenden</translation>
    </message>
    <message>
        <source>Switch to the next free port found</source>
        <translation>Zum nächsten gefundenen freien Port wechseln</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>Room password</source>
        <translation>Raumpasswort</translation>
    </message>
    <message>
        <source>Leave empty for an open room</source>
        <translation>Für einen offenen Raum leer lassen</translation>
    </message>
    <message>
        <source>Start hosting</source>
        <translation>Hosten starten</translation>
    </message>
    <message>
        <source>Start the room on this computer and join it</source>
        <translation>Den Raum auf diesem Computer starten und ihm beitreten</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Close without hosting</source>
        <translation>Schließen, ohne zu hosten</translation>
    </message>
    <message>
        <source>&amp;Room name:</source>
        <translation>&amp;Raumname:</translation>
    </message>
    <message>
        <source>Who can join:</source>
        <translation>Wer kann beitreten:</translation>
    </message>
    <message>
        <source>Port {port} is in use, and no port up to {last} is free — choose another.</source>
        <translation>Port {port} ist belegt, und bis {last} ist kein Port frei — wählen Sie einen anderen.</translation>
    </message>
    <message>
        <source>Port {port} is in use — choose another or press “Use {free}”.</source>
        <translation>Port {port} ist belegt — wählen Sie einen anderen oder klicken Sie auf „{free} verwenden“.</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>P&amp;ort:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;wort:</translation>
    </message>
    <message>
        <source>Use {port}</source>
        <translation>{port} verwenden</translation>
    </message>
</context>
<context>
    <name>Hosting</name>
    <message>
        <source>Port {port} is in use by another program; choose another port to host on.</source>
        <extracomment>LOCAL_ONLY (&quot;Only this computer&quot;) or ALL_NETWORKS (&quot;People on my network&quot;). roomcast-server&apos;s default port, so a hosted room is where people expect one.</extracomment>
        <translation>Port {port} wird von einem anderen Programm verwendet; wählen Sie einen anderen Port zum Hosten.</translation>
    </message>
    <message>
        <source>Permission denied for port {port}: ports below 1024 need administrator rights; choose a port above 1024.</source>
        <translation>Keine Berechtigung für Port {port}: Ports unter 1024 brauchen Administratorrechte; wählen Sie einen Port über 1024.</translation>
    </message>
    <message>
        <source>Cannot host on {host}: that address does not belong to this computer.</source>
        <translation>Hosten auf {host} nicht möglich: Diese Adresse gehört nicht zu diesem Computer.</translation>
    </message>
    <message>
        <source>Cannot host on port {port}: {error}</source>
        <translation>Hosten auf Port {port} nicht möglich: {error}</translation>
    </message>
</context>
<context>
    <name>InvitePanel</name>
    <message>
        <source>Join addresses</source>
        <translation>Beitrittsadressen</translation>
    </message>
    <message>
        <source>The addresses others can join this room at, one per line</source>
        <translation>Die Adressen, unter denen andere diesem Raum beitreten können, eine pro Zeile</translation>
    </message>
    <message>
        <source>Copy address</source>
        <translation>Adresse kopieren</translation>
    </message>
    <message>
        <source>Copy the first address; the password is never included</source>
        <translation>Die erste Adresse kopieren; das Passwort ist nie enthalten</translation>
    </message>
    <message>
        <source>Password required — tell people separately.</source>
        <translation>Passwort erforderlich – teilen Sie es separat mit.</translation>
    </message>
    <message>
        <source>QR code of the join address</source>
        <translation>QR-Code der Beitrittsadresse</translation>
    </message>
    <message>
        <source>Invite people to {room}</source>
        <translation>Personen in {room} einladen</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Messages</source>
        <extracomment>The window closed for good (not hidden to keep hosting): the app ends.</extracomment>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>Every frame of the connection, oldest first; the newest at the bottom</source>
        <translation>Alle Frames der Verbindung, die ältesten zuerst; die neuesten unten</translation>
    </message>
    <message>
        <source>Who is typing</source>
        <translation>Wer gerade schreibt</translation>
    </message>
    <message>
        <source>Host a room</source>
        <translation>Raum hosten</translation>
    </message>
    <message>
        <source>Host a room or stop hosting</source>
        <translation>Einen Raum hosten oder das Hosten beenden</translation>
    </message>
    <message>
        <source>Runs a room on this computer that others can join, or stops it</source>
        <translation>Startet auf diesem Computer einen Raum, dem andere beitreten können, oder beendet ihn</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <extracomment>Hidden while hosting goes on (the tray offers Show and Stop).</extracomment>
        <translation>Getrennt</translation>
    </message>
    <message>
        <source>Disconnected — {detail}</source>
        <extracomment>At most one typing hint per this many seconds (PROTOCOL.md, typing: a hint). The member column: wide enough for a long name, never a third of the window.</extracomment>
        <translation>Getrennt – {detail}</translation>
    </message>
    <message>
        <source>Connecting to {url}…</source>
        <translation>Verbinde mit {url} …</translation>
    </message>
    <message>
        <source> in {seconds} s</source>
        <translation> in {seconds} s</translation>
    </message>
    <message>
        <source>Reconnecting{wait} (attempt {attempt}){reason}</source>
        <translation>Neuer Verbindungsversuch{wait} (Versuch {attempt}){reason}</translation>
    </message>
    <message>
        <source>Hosting room {room} at {url}</source>
        <translation>Raum {room} wird unter {url} gehostet</translation>
    </message>
    <message>
        <source>Connected to {url} (not a Roomcast server)</source>
        <translation>Verbunden mit {url} (kein Roomcast-Server)</translation>
    </message>
    <message>
        <source>Connected to room {room} on {url} as {you}</source>
        <translation>Verbunden mit Raum {room} auf {url} als {you}</translation>
    </message>
    <message>
        <source>Connected to {url} as {you}</source>
        <translation>Verbunden mit {url} als {you}</translation>
    </message>
    <message>
        <source>{name} is typing…</source>
        <translation>{name} schreibt …</translation>
    </message>
    <message>
        <source>{first} and {second} are typing…</source>
        <translation>{first} und {second} schreiben …</translation>
    </message>
    <message>
        <source>{count} people are typing…</source>
        <translation>{count} Personen schreiben …</translation>
    </message>
    <message>
        <source>Hosting</source>
        <translation>Hosten</translation>
    </message>
    <message>
        <source>Connection state</source>
        <translation>Verbindungsstatus</translation>
    </message>
    <message>
        <source>Member count</source>
        <translation>Anzahl der Mitglieder</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>Reconnect at once instead of waiting for the next attempt</source>
        <translation>Sofort neu verbinden, statt auf den nächsten Versuch zu warten</translation>
    </message>
    <message>
        <source>Latest notice</source>
        <translation>Letzter Hinweis</translation>
    </message>
    <message>
        <source>Show Roomcast</source>
        <extracomment>&quot;Open another room&quot; (Ctrl+N): the bar is free for a new address until a room connects or another room is shown. Scroll positions saved at the last quit, restored once the room&apos;s first history page is there.</extracomment>
        <translation>Roomcast zeigen</translation>
    </message>
    <message>
        <source>Quit Roomcast</source>
        <translation>Roomcast beenden</translation>
    </message>
    <message>
        <source>&amp;Room</source>
        <translation>&amp;Raum</translation>
    </message>
    <message>
        <source>&amp;New room…</source>
        <translation>&amp;Neuer Raum …</translation>
    </message>
    <message>
        <source>&amp;Close room</source>
        <translation>Raum &amp;schließen</translation>
    </message>
    <message>
        <source>Ne&amp;xt room</source>
        <translation>Nä&amp;chster Raum</translation>
    </message>
    <message>
        <source>P&amp;revious room</source>
        <translation>&amp;Vorheriger Raum</translation>
    </message>
    <message>
        <source>Go to the server &amp;address</source>
        <translation>Zur Server&amp;adresse</translation>
    </message>
    <message>
        <source>&amp;Saved connections…</source>
        <translation>&amp;Gespeicherte Verbindungen …</translation>
    </message>
    <message>
        <source>&amp;Export session…</source>
        <translation>Sitzung &amp;exportieren …</translation>
    </message>
    <message>
        <source>&amp;Open a saved session…</source>
        <translation>Gespeicherte Sitzung ö&amp;ffnen …</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Suchen …</translation>
    </message>
    <message>
        <source>&amp;Do not disturb</source>
        <translation>&amp;Nicht stören</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <source>Export session</source>
        <translation>Sitzung exportieren</translation>
    </message>
    <message>
        <source>Roomcast sessions (*.jsonl)</source>
        <translation>Roomcast-Sitzungen (*.jsonl)</translation>
    </message>
    <message>
        <source>Could not export the session to {path}: {reason}</source>
        <translation>Die Sitzung konnte nicht nach {path} exportiert werden: {reason}</translation>
    </message>
    <message>
        <source>Exported {count} rows to {path}</source>
        <translation>{count} Zeilen nach {path} exportiert</translation>
    </message>
    <message>
        <source>Open a saved session</source>
        <translation>Gespeicherte Sitzung öffnen</translation>
    </message>
    <message>
        <source>Roomcast sessions (*.jsonl);;All files (*)</source>
        <translation>Roomcast-Sitzungen (*.jsonl);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Could not open the saved session: {error}</source>
        <translation>Die gespeicherte Sitzung konnte nicht geöffnet werden: {error}</translation>
    </message>
    <message>
        <source>Roomcast — {count} unread</source>
        <translation>Roomcast – {count} ungelesen</translation>
    </message>
    <message>
        <source>Stop hosting</source>
        <translation>Hosten beenden</translation>
    </message>
    <message>
        <source>Stop hosting?</source>
        <translation>Hosten beenden?</translation>
    </message>
    <message>
        <source>1 other person is connected to your room.</source>
        <translation>1 andere Person ist mit deinem Raum verbunden.</translation>
    </message>
    <message>
        <source>{count} other people are connected to your room.</source>
        <translation>{count} andere Personen sind mit deinem Raum verbunden.</translation>
    </message>
    <message>
        <source>Stop hosting and disconnect them?</source>
        <translation>Hosten beenden und sie trennen?</translation>
    </message>
    <message>
        <source>Quit while hosting?</source>
        <translation>Beenden, während du hostest?</translation>
    </message>
    <message>
        <source>1 other person is in your room {room}.</source>
        <translation>1 andere Person ist in deinem Raum {room}.</translation>
    </message>
    <message>
        <source>{count} other people are in your room {room}.</source>
        <translation>{count} andere Personen sind in deinem Raum {room}.</translation>
    </message>
    <message>
        <source>Quitting stops hosting and disconnects them.</source>
        <translation>Beenden beendet das Hosten und trennt sie.</translation>
    </message>
    <message>
        <source>You can also keep the room open with Roomcast in the tray.</source>
        <translation>Du kannst den Raum auch offen lassen, mit Roomcast im Infobereich.</translation>
    </message>
    <message>
        <source>Keep hosting in the background</source>
        <translation>Im Hintergrund weiter hosten</translation>
    </message>
    <message>
        <source>Stop hosting and quit</source>
        <translation>Hosten beenden und schließen</translation>
    </message>
    <message>
        <source>Roomcast — hosting room {room}</source>
        <translation>Roomcast — hostet den Raum {room}</translation>
    </message>
    <message>
        <source>Roomcast is still hosting {room}</source>
        <translation>Roomcast hostet {room} weiter</translation>
    </message>
    <message>
        <source>Use the tray icon to show the window or to stop hosting.</source>
        <translation>Über das Symbol im Infobereich zeigst du das Fenster oder beendest das Hosten.</translation>
    </message>
    <message>
        <source>{detail} — connect again to send</source>
        <translation>{detail} – verbinden Sie sich erneut, um zu senden</translation>
    </message>
    <message>
        <source>Not connected: connect to a server to send messages</source>
        <translation>Nicht verbunden: Verbinden Sie sich mit einem Server, um Nachrichten zu senden</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>1 member</source>
        <translation>1 Mitglied</translation>
    </message>
    <message>
        <source>{count} members</source>
        <translation>{count} Mitglieder</translation>
    </message>
    <message>
        <source>Your display name:</source>
        <translation>Dein Anzeigename:</translation>
    </message>
</context>
<context>
    <name>MemberList</name>
    <message>
        <source>&amp;Members</source>
        <translation>&amp;Mitglieder</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <source>Who is in the room; activate a name to mention it in your message</source>
        <translation>Wer im Raum ist; aktivieren Sie einen Namen, um ihn in Ihrer Nachricht zu erwähnen</translation>
    </message>
    <message>
        <source>{name} (you)</source>
        <translation>{name} (Sie)</translation>
    </message>
    <message>
        <source>&amp;Members ({count})</source>
        <translation>&amp;Mitglieder ({count})</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>sending…</source>
        <extracomment>Longer texts are cut for display (Copy text still copies everything): laying out a megabyte of text on every paint would freeze the window. The header&apos;s mark per send state (English; header_text translates it).</extracomment>
        <translation>wird gesendet …</translation>
    </message>
    <message>
        <source>failed — right-click to retry</source>
        <translation>fehlgeschlagen – Rechtsklick zum erneuten Senden</translation>
    </message>
    <message>
        <source>you</source>
        <translation>Sie</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Gestern</translation>
    </message>
    <message>
        <source>({count} more characters; Copy text has all)</source>
        <extracomment>The height of each decoration code, beyond the text&apos;s lines. Few texts average under this many pixels a character.</extracomment>
        <translation>({count} weitere Zeichen; „Text kopieren“ hat alles)</translation>
    </message>
</context>
<context>
    <name>MessageListModel</name>
    <message>
        <source>1 year ago</source>
        <extracomment>How long ago a message was, in its tooltip (&quot;5 minutes ago&quot;): a hint, where a month is 30 days and a year 365.</extracomment>
        <translation>vor 1 Jahr</translation>
    </message>
    <message>
        <source>{n} years ago</source>
        <translation>vor {n} Jahren</translation>
    </message>
    <message>
        <source>1 month ago</source>
        <translation>vor 1 Monat</translation>
    </message>
    <message>
        <source>{n} months ago</source>
        <translation>vor {n} Monaten</translation>
    </message>
    <message>
        <source>1 day ago</source>
        <translation>vor 1 Tag</translation>
    </message>
    <message>
        <source>{n} days ago</source>
        <translation>vor {n} Tagen</translation>
    </message>
    <message>
        <source>1 hour ago</source>
        <translation>vor 1 Stunde</translation>
    </message>
    <message>
        <source>{n} hours ago</source>
        <translation>vor {n} Stunden</translation>
    </message>
    <message>
        <source>1 minute ago</source>
        <translation>vor 1 Minute</translation>
    </message>
    <message>
        <source>{n} minutes ago</source>
        <translation>vor {n} Minuten</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message>
        <source>binary frame, {size} bytes</source>
        <translation>Binär-Frame, {size} Bytes</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>wird gesendet</translation>
    </message>
    <message>
        <source>not sent</source>
        <translation>nicht gesendet</translation>
    </message>
    <message>
        <source>you</source>
        <translation>Sie</translation>
    </message>
    <message>
        <source>chat message</source>
        <translation>Chatnachricht</translation>
    </message>
    <message>
        <source>notice</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>JSON frame</source>
        <translation>JSON-Frame</translation>
    </message>
    <message>
        <source>text frame</source>
        <translation>Text-Frame</translation>
    </message>
    <message>
        <source>binary frame</source>
        <translation>binärer Frame</translation>
    </message>
    <message>
        <source>received</source>
        <translation>empfangen</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>gesendet</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>zugestellt</translation>
    </message>
    <message>
        <source>in a binary frame</source>
        <translation>in einem Binär-Frame</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Messages</source>
        <extracomment>Events after which every visible row must be painted again (colours and the style&apos;s drawing come from them, read at paint time). Within this many pixels of the end counts as &quot;at the bottom&quot;.</extracomment>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>The conversation, oldest first. Arrow keys move between messages, Ctrl+C copies the selected one, the context menu offers more.</source>
        <translation>Die Unterhaltung, die ältesten zuerst. Pfeiltasten wechseln zwischen Nachrichten, Strg+C kopiert die ausgewählte, das Kontextmenü bietet mehr.</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>Text kopieren</translation>
    </message>
    <message>
        <source>Copy raw bytes (hex)</source>
        <translation>Rohe Bytes kopieren (hex)</translation>
    </message>
    <message>
        <source>Copy raw text</source>
        <translation>Rohen Text kopieren</translation>
    </message>
    <message>
        <source>Copy raw JSON</source>
        <translation>Rohes JSON kopieren</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>1 new message ↓</source>
        <translation>1 neue Nachricht ↓</translation>
    </message>
    <message>
        <source>{count} new messages ↓</source>
        <translation>{count} neue Nachrichten ↓</translation>
    </message>
    <message>
        <source>Scroll to the newest message</source>
        <translation>Zur neuesten Nachricht scrollen</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>someone</source>
        <extracomment>Longest message text put in a notification bubble.</extracomment>
        <translation>jemand</translation>
    </message>
    <message>
        <source>{author} mentioned you in {room}</source>
        <translation>{author} hat dich in {room} erwähnt</translation>
    </message>
    <message>
        <source>{author} wrote in {room}</source>
        <translation>{author} schrieb in {room}</translation>
    </message>
    <message>
        <source>{author} mentioned you</source>
        <translation>{author} hat Sie erwähnt</translation>
    </message>
    <message>
        <source>{author} wrote</source>
        <translation>{author} schrieb</translation>
    </message>
    <message>
        <source>({unread}, {mentions} @) </source>
        <translation>({unread}, {mentions} @) </translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Show a &amp;notification for new messages</source>
        <translation>Bei neuen Nachrichten eine &amp;Benachrichtigung zeigen</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <source>While the window is in the background, new messages raise a notification</source>
        <translation>Solange das Fenster im Hintergrund ist, lösen neue Nachrichten eine Benachrichtigung aus</translation>
    </message>
    <message>
        <source>&amp;Do not disturb</source>
        <translation>&amp;Nicht stören</translation>
    </message>
    <message>
        <source>Do not disturb</source>
        <translation>Nicht stören</translation>
    </message>
    <message>
        <source>No notifications at all; unread messages are still counted in the title</source>
        <translation>Gar keine Benachrichtigungen; ungelesene Nachrichten werden weiterhin im Titel gezählt</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Design</translation>
    </message>
    <message>
        <source>Light, dark, or as the system is set</source>
        <translation>Hell, dunkel oder wie im System eingestellt</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Close the preferences; changes are already applied</source>
        <translation>Die Einstellungen schließen; Änderungen sind bereits übernommen</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>&amp;Design:</translation>
    </message>
</context>
<context>
    <name>RoomClient</name>
    <message>
        <source>TLS handshake with {where} failed: the server does not speak TLS — try {url}</source>
        <extracomment>Our frames are small; the server&apos;s are at most 256 KiB (PROTOCOL.md, Transport, Size), history pages included. 1 MiB leaves room for foreign ones. Seconds to wait for the closing handshake before dropping the TCP connection. Attempts (with backoff between them) after which a client that has not been CONNECTED since start() gives up: a mistyped address is not retried forever. One that was connected keeps reconnecting, however long the server is away. Do not reconnect (PROTOCOL.md, Close codes: 1008; error code unauthorized). Reconnect at once, without the backoff wait (Close codes: 1012). A connection that stayed up this long resets the attempt count. Turns a marked text into the user&apos;s language: the GUI sets this to ``QCoreApplication.translate`` (desktop/i18n.py); headless it changes nothing. OpenSSL&apos;s reasons for a peer whose first bytes are not a TLS record: a plain HTTP (ws://) server answering the ClientHello.</extracomment>
        <translation>TLS-Handshake mit {where} fehlgeschlagen: Der Server spricht kein TLS – versuchen Sie {url}</translation>
    </message>
    <message>
        <source>The server refused the WebSocket upgrade: HTTP {status} {phrase}</source>
        <translation>Der Server hat das WebSocket-Upgrade abgelehnt: HTTP {status} {phrase}</translation>
    </message>
    <message>
        <source>TLS failure with {where}: {reason}</source>
        <translation>TLS-Fehler mit {where}: {reason}</translation>
    </message>
    <message>
        <source>Unknown host: {host}</source>
        <translation>Unbekannter Host: {host}</translation>
    </message>
    <message>
        <source>Timed out connecting to {where}</source>
        <translation>Zeitüberschreitung beim Verbinden mit {where}</translation>
    </message>
    <message>
        <source>Connection refused by {where} — is the server running?</source>
        <translation>Verbindung von {where} abgelehnt – läuft der Server?</translation>
    </message>
    <message>
        <source>{where} did not answer like a WebSocket server: {error}</source>
        <translation>{where} hat nicht wie ein WebSocket-Server geantwortet: {error}</translation>
    </message>
    <message>
        <source>The WebSocket handshake with {where} failed: {error}</source>
        <translation>Der WebSocket-Handshake mit {where} ist fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>Could not connect to {where}: {error}</source>
        <translation>Verbindung mit {where} nicht möglich: {error}</translation>
    </message>
    <message>
        <source>Connection lost</source>
        <translation>Verbindung verloren</translation>
    </message>
    <message>
        <source>Refused by the server: {reason}</source>
        <translation>Vom Server abgelehnt: {reason}</translation>
    </message>
    <message>
        <source>policy violation</source>
        <translation>Regelverstoß</translation>
    </message>
    <message>
        <source>The host stopped hosting</source>
        <translation>Der Host hat das Hosten beendet</translation>
    </message>
    <message>
        <source>The server shut down ({reason})</source>
        <translation>Der Server wurde beendet ({reason})</translation>
    </message>
    <message>
        <source>The server shut down</source>
        <translation>Der Server wurde beendet</translation>
    </message>
    <message>
        <source>The server restarted the room; reconnecting at once</source>
        <translation>Der Server hat den Raum neu gestartet; verbinde sofort neu</translation>
    </message>
    <message>
        <source>Dropped by the server for falling behind; reconnecting</source>
        <translation>Vom Server getrennt, weil zu weit im Rückstand; verbinde neu</translation>
    </message>
    <message>
        <source>The server closed the connection (code {code}: {reason})</source>
        <translation>Der Server hat die Verbindung geschlossen (Code {code}: {reason})</translation>
    </message>
    <message>
        <source>The server closed the connection (code {code})</source>
        <translation>Der Server hat die Verbindung geschlossen (Code {code})</translation>
    </message>
    <message>
        <source>not sent before switching servers</source>
        <extracomment>Control characters other than tab and line breaks: UTF-8-valid bytes with these are data (a length prefix, a protobuf), not text.</extracomment>
        <translation>vor dem Serverwechsel nicht gesendet</translation>
    </message>
    <message>
        <source>Not connected to a Roomcast room: no history to load</source>
        <translation>Nicht mit einem Roomcast-Raum verbunden: kein Verlauf zu laden</translation>
    </message>
    <message>
        <source>Not connected: the frame was not sent</source>
        <translation>Nicht verbunden: Der Frame wurde nicht gesendet</translation>
    </message>
    <message>
        <source>The connection failed unexpectedly: {error}</source>
        <translation>Die Verbindung ist unerwartet fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>Could not reach {where}: {reason}</source>
        <translation>{where} nicht erreichbar: {reason}</translation>
    </message>
    <message>
        <source>Sending failed unexpectedly: {error}</source>
        <translation>Das Senden ist unerwartet fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>Some messages were missed while disconnected: the room no longer keeps them</source>
        <translation>Während der Trennung wurden Nachrichten verpasst: Der Raum bewahrt sie nicht mehr auf</translation>
    </message>
</context>
<context>
    <name>RoomDelegate</name>
    <message>
        <source>hosting</source>
        <extracomment>Dot colours per state (the same in light and dark: saturated mid tones).</extracomment>
        <translation>gehostet</translation>
    </message>
</context>
<context>
    <name>RoomListModel</name>
    <message>
        <source>hosted here</source>
        <translation>hier gehostet</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>connected (not Roomcast)</source>
        <translation>verbunden (kein Roomcast)</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>verbindet</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>verbindet erneut</translation>
    </message>
    <message>
        <source>disconnected: {reason}</source>
        <translation>getrennt: {reason}</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <source>{count} unread, {mentions} mentioning you</source>
        <translation>{count} ungelesen, {mentions} erwähnen dich</translation>
    </message>
    <message>
        <source>{count} unread</source>
        <translation>{count} ungelesen</translation>
    </message>
</context>
<context>
    <name>RoomSidebar</name>
    <message>
        <source>Open rooms</source>
        <translation>Offene Räume</translation>
    </message>
    <message>
        <source>Every room open in this window; Alt+Up and Alt+Down move one, Delete closes it</source>
        <translation>Jeder in diesem Fenster offene Raum; Alt+Hoch und Alt+Runter verschieben ihn, Entf schließt ihn</translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation>Räume</translation>
    </message>
    <message>
        <source>Open another room (Ctrl+N)</source>
        <translation>Einen weiteren Raum öffnen (Strg+N)</translation>
    </message>
    <message>
        <source>Open another room</source>
        <translation>Einen weiteren Raum öffnen</translation>
    </message>
    <message>
        <source>Type another server address; the rooms open now stay connected</source>
        <translation>Gib eine weitere Serveradresse ein; die offenen Räume bleiben verbunden</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Nach unten</translation>
    </message>
    <message>
        <source>Close room</source>
        <translation>Raum schließen</translation>
    </message>
</context>
<context>
    <name>SavedConnections</name>
    <message>
        <source>No system keyring is available: the password was not saved. It will be asked for when you connect.</source>
        <extracomment>The keyring &quot;service&quot; every Roomcast password is filed under. The QSettings array the connections are stored in.</extracomment>
        <translation>Kein Systemschlüsselbund verfügbar: Das Passwort wurde nicht gespeichert. Es wird beim Verbinden abgefragt.</translation>
    </message>
    <message>
        <source>The system keyring is locked: {what}.</source>
        <translation>Der Systemschlüsselbund ist gesperrt: {what}.</translation>
    </message>
    <message>
        <source>The system keyring failed ({detail}): {what}.</source>
        <translation>Der Systemschlüsselbund hat versagt ({detail}): {what}.</translation>
    </message>
    <message>
        <source>No system keyring is available: {what}.</source>
        <translation>Kein Systemschlüsselbund verfügbar: {what}.</translation>
    </message>
    <message>
        <source>the saved password could not be read. Type it in the Password field</source>
        <translation>das gespeicherte Passwort konnte nicht gelesen werden. Geben Sie es im Feld „Passwort“ ein</translation>
    </message>
    <message>
        <source>the old password could not be removed from it</source>
        <translation>das alte Passwort konnte nicht daraus entfernt werden</translation>
    </message>
    <message>
        <source>the connection was deleted, but its password could not be removed from it</source>
        <translation>die Verbindung wurde gelöscht, aber ihr Passwort konnte nicht daraus entfernt werden</translation>
    </message>
    <message>
        <source>There is no saved connection named {name!r}.</source>
        <translation>Es gibt keine gespeicherte Verbindung namens {name!r}.</translation>
    </message>
    <message>
        <source>A saved connection named {name!r} already exists.</source>
        <translation>Eine gespeicherte Verbindung namens {name!r} gibt es bereits.</translation>
    </message>
    <message>
        <source>the password could not be moved to the new name and was not kept</source>
        <translation>das Passwort konnte nicht auf den neuen Namen übertragen werden und wurde nicht behalten</translation>
    </message>
    <message>
        <source>A saved connection needs a name.</source>
        <translation>Eine gespeicherte Verbindung braucht einen Namen.</translation>
    </message>
    <message>
        <source>A connection name has at most {limit} characters (this one has {count}).</source>
        <translation>Ein Verbindungsname hat höchstens {limit} Zeichen (dieser hat {count}).</translation>
    </message>
    <message>
        <source>A connection name can&apos;t contain control characters.</source>
        <translation>Ein Verbindungsname darf keine Steuerzeichen enthalten.</translation>
    </message>
    <message>
        <source>A saved connection needs at least one server address (ws:// or wss://).</source>
        <translation>Eine gespeicherte Verbindung braucht mindestens eine Serveradresse (ws:// oder wss://).</translation>
    </message>
    <message>
        <source>Not a valid display name: {problem}.</source>
        <translation>Kein gültiger Anzeigename: {problem}.</translation>
    </message>
    <message>
        <source>the password was not saved. It will be asked for when you connect</source>
        <translation>das Passwort wurde nicht gespeichert. Es wird beim Verbinden abgefragt</translation>
    </message>
    <message>
        <source>The settings file {path} could not be written: the change may be lost.</source>
        <translation>Die Einstellungsdatei {path} konnte nicht geschrieben werden: Die Änderung geht möglicherweise verloren.</translation>
    </message>
</context>
<context>
    <name>SavedConnectionsDialog</name>
    <message>
        <source>Saved connections</source>
        <extracomment>Item data: the saved connection&apos;s name.</extracomment>
        <translation>Gespeicherte Verbindungen</translation>
    </message>
    <message>
        <source>Pick a saved connection to connect to, or add, change and delete them</source>
        <translation>Wählen Sie eine gespeicherte Verbindung aus, oder legen Sie Verbindungen an, ändern und löschen Sie sie</translation>
    </message>
    <message>
        <source>Select one to edit it below; Enter or a double click connects</source>
        <translation>Zum Bearbeiten unten auswählen; Eingabetaste oder Doppelklick verbindet</translation>
    </message>
    <message>
        <source>Sa&amp;ved connections:</source>
        <translation>Gespei&amp;cherte Verbindungen:</translation>
    </message>
    <message>
        <source>e.g. Team chat</source>
        <translation>z. B. Team-Chat</translation>
    </message>
    <message>
        <source>Connection name</source>
        <translation>Verbindungsname</translation>
    </message>
    <message>
        <source>1 to 64 characters; saving under a new name adds a connection</source>
        <translation>1 bis 64 Zeichen; Speichern unter einem neuen Namen legt eine Verbindung an</translation>
    </message>
    <message>
        <source>A ws:// or wss:// address; several, separated by commas, for failover</source>
        <translation>Eine ws://- oder wss://-Adresse; mehrere, durch Kommas getrennt, für die Ausfallsicherung</translation>
    </message>
    <message>
        <source>Server addresses</source>
        <translation>Serveradressen</translation>
    </message>
    <message>
        <source>your name (optional)</source>
        <translation>Ihr Name (optional)</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>Anzeigename</translation>
    </message>
    <message>
        <source>The name others see in the room; empty uses your usual name</source>
        <translation>Der Name, den andere im Raum sehen; leer verwendet Ihren üblichen Namen</translation>
    </message>
    <message>
        <source>Room password</source>
        <translation>Raumpasswort</translation>
    </message>
    <message>
        <source>&amp;Remember the password</source>
        <translation>Passwort &amp;merken</translation>
    </message>
    <message>
        <source>Remember the password</source>
        <translation>Passwort merken</translation>
    </message>
    <message>
        <source>Where the password is kept</source>
        <translation>Wo das Passwort aufbewahrt wird</translation>
    </message>
    <message>
        <source>Keep the password in the system keyring; uncheck and save to forget it</source>
        <translation>Das Passwort im Systemschlüsselbund aufbewahren; zum Vergessen abwählen und speichern</translation>
    </message>
    <message>
        <source>Passwords are kept in the system keyring, never in the settings file.</source>
        <translation>Passwörter werden im Systemschlüsselbund aufbewahrt, nie in der Einstellungsdatei.</translation>
    </message>
    <message>
        <source>Not available: there is no system keyring to keep the password in</source>
        <translation>Nicht verfügbar: Es gibt keinen Systemschlüsselbund für das Passwort</translation>
    </message>
    <message>
        <source>No system keyring is available: passwords can&apos;t be saved. One typed here is used when you press Connect.</source>
        <translation>Kein Systemschlüsselbund verfügbar: Passwörter können nicht gespeichert werden. Ein hier eingegebenes wird beim Verbinden verwendet.</translation>
    </message>
    <message>
        <source>Status message</source>
        <translation>Statusmeldung</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Save these fields under the connection name</source>
        <translation>Diese Felder unter dem Verbindungsnamen speichern</translation>
    </message>
    <message>
        <source>De&amp;lete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete the selected connection and its saved password</source>
        <translation>Die ausgewählte Verbindung und ihr gespeichertes Passwort löschen</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>Connect with these addresses, display name and password</source>
        <translation>Mit diesen Adressen, diesem Anzeigenamen und Passwort verbinden</translation>
    </message>
    <message>
        <source>Cl&amp;ose</source>
        <translation>Schlie&amp;ßen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Close this dialog without connecting</source>
        <translation>Diesen Dialog schließen, ohne zu verbinden</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;URLs:</source>
        <translation>&amp;URLs:</translation>
    </message>
    <message>
        <source>&amp;Display name:</source>
        <translation>&amp;Anzeigename:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>Saved “{name}”.</source>
        <translation>„{name}“ gespeichert.</translation>
    </message>
    <message>
        <source>Deleted “{name}”.</source>
        <translation>„{name}“ gelöscht.</translation>
    </message>
    <message>
        <source>Type a server address (ws:// or wss://) to connect to.</source>
        <translation>Geben Sie eine Serveradresse (ws:// oder wss://) ein, mit der verbunden werden soll.</translation>
    </message>
    <message>
        <source>saved — leave empty to keep it</source>
        <translation>gespeichert – leer lassen, um es zu behalten</translation>
    </message>
    <message>
        <source>A password is saved in the system keyring; type another to replace it</source>
        <translation>Im Systemschlüsselbund ist ein Passwort gespeichert; geben Sie ein anderes ein, um es zu ersetzen</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>Leave empty when the room has no password</source>
        <translation>Leer lassen, wenn der Raum kein Passwort hat</translation>
    </message>
</context>
<context>
    <name>SessionViewer</name>
    <message>
        <source>Find…</source>
        <translation>Suchen …</translation>
    </message>
    <message>
        <source>Saved messages</source>
        <translation>Gespeicherte Nachrichten</translation>
    </message>
    <message>
        <source>The rows of a saved session, read-only, oldest first</source>
        <translation>Die Zeilen einer gespeicherten Sitzung, schreibgeschützt, die ältesten zuerst</translation>
    </message>
    <message>
        <source>{count} rows</source>
        <translation>{count} Zeilen</translation>
    </message>
    <message>
        <source>saved {when}</source>
        <translation>gespeichert {when}</translation>
    </message>
    <message>
        <source>Read-only: </source>
        <translation>Schreibgeschützt: </translation>
    </message>
    <message>
        <source>About this saved session</source>
        <translation>Über diese gespeicherte Sitzung</translation>
    </message>
    <message>
        <source>{file} (read-only) — Roomcast</source>
        <translation>{file} (schreibgeschützt) – Roomcast</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <source>The server&apos;s history was reset; showing what it has now</source>
        <extracomment>Turns a marked text into the user&apos;s language: ``desktop/i18n.py`` sets this to ``QCoreApplication.translate``; headless it changes nothing. The one system row a reset leaves (PROTOCOL.md, Epochs).</extracomment>
        <translation>Der Verlauf des Servers wurde zurückgesetzt; angezeigt wird, was er jetzt hat</translation>
    </message>
</context>
</TS>
