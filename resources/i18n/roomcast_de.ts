<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>BanDialog</name>
    <message>
        <source>Ban {name}</source>
        <translation>{name} sperren</translation>
    </message>
    <message>
        <source>Whoever matches is removed at once and cannot join again until you stop hosting. You can unban them below the member list.</source>
        <translation>Wer passt, wird sofort entfernt und kann nicht wieder beitreten, bis Sie das Hosten beenden. Unter der Mitgliederliste können Sie die Sperre aufheben.</translation>
    </message>
    <message>
        <source>Ban the &amp;name “{name}”</source>
        <translation>Den &amp;Namen „{name}“ sperren</translation>
    </message>
    <message>
        <source>Ban the name</source>
        <translation>Den Namen sperren</translation>
    </message>
    <message>
        <source>Nobody can join as {name} until you stop hosting</source>
        <translation>Niemand kann als {name} beitreten, bis Sie das Hosten beenden</translation>
    </message>
    <message>
        <source>Ban the &amp;address {address}</source>
        <translation>Die &amp;Adresse {address} sperren</translation>
    </message>
    <message>
        <source>Ban the address</source>
        <translation>Die Adresse sperren</translation>
    </message>
    <message>
        <source>Nobody from {address} can join until you stop hosting, whatever their name; people who share that address are kept out too</source>
        <translation>Niemand von {address} kann beitreten, bis Sie das Hosten beenden, unter welchem Namen auch immer; wer diese Adresse teilt, bleibt ebenfalls draußen</translation>
    </message>
    <message>
        <source>You connect from {address} too: banning it would shut you out</source>
        <translation>Sie verbinden sich auch von {address}: eine Sperre würde Sie selbst aussperren</translation>
    </message>
    <message>
        <source>&amp;Ban</source>
        <translation>&amp;Sperren</translation>
    </message>
    <message>
        <source>Ban</source>
        <translation>Sperren</translation>
    </message>
    <message>
        <source>Ban what is ticked for this session</source>
        <translation>Das Angekreuzte für diese Sitzung sperren</translation>
    </message>
    <message>
        <source>Close without banning</source>
        <translation>Schließen, ohne zu sperren</translation>
    </message>
</context>
<context>
    <name>ChatSession</name>
    <message>
        <source>Enter a ws:// or wss:// address to connect to</source>
        <extracomment>A history request is on its way (one at a time). The room was CONNECTED at least once since it was opened. Disconnect was asked: the client is closing (it still runs a moment). A chat message from someone else that counts as unread (desktop/rooms.py, the unread rule): (RoomEntry, Row). The room shown is about to change (RoomEntry or None): save its draft now. A room reached CONNECTED for the first time since it was opened. A page of older messages landed in a room. The embedded room server while hosting (same loop, no thread). What to give people while hosting (``invite_urls``): roomcasts:// invites with the certificate&apos;s fingerprint for the network, ws:// addresses for this computer only. The SHA-256 fingerprint (``AB:CD:…``) of the certificate the hosted room is served with; None when not hosting or hosting unencrypted. The hosted room&apos;s mDNS advert (desktop/discovery.py) while advertised. Looking for rooms on the network (the &quot;Rooms on your network&quot; dialog). The open rooms, in the user&apos;s order (what the room list shows). Every open room, by ``room_key``. The room the window shows (its timeline is the model&apos;s). Is the window looked at (active, not minimised)? Set by the window; the unread rule needs it.</extracomment>
        <translation>Geben Sie eine ws://- oder wss://-Adresse ein, um sich zu verbinden</translation>
    </message>
    <message>
        <source>The invite&apos;s certificate fingerprint is not valid: {error}</source>
        <translation>Der Zertifikats-Fingerabdruck der Einladung ist ungültig: {error}</translation>
    </message>
    <message>
        <source>The invite names another certificate for {where} than the one trusted before (trusted SHA-256 {pinned}, invite {wanted}). Nothing was opened. If the host made a new certificate, forget the old one in More… → Trusted certificate, then open the invite again.</source>
        <translation>Die Einladung nennt für {where} ein anderes Zertifikat als das bisher vertraute (vertraut SHA-256 {pinned}, Einladung {wanted}). Es wurde nichts geöffnet. Hat der Host ein neues Zertifikat erstellt, vergessen Sie das alte unter Mehr … → Vertrauenswürdiges Zertifikat und öffnen Sie die Einladung erneut.</translation>
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
        <source>Encrypted with this computer&apos;s certificate, SHA-256 {fingerprint}</source>
        <translation>Verschlüsselt mit dem Zertifikat dieses Computers, SHA-256 {fingerprint}</translation>
    </message>
    <message>
        <source>The room is not announced on the network: {reason}</source>
        <translation>Der Raum wird im Netzwerk nicht angekündigt: {reason}</translation>
    </message>
    <message>
        <source>Stopped hosting</source>
        <translation>Hosten beendet</translation>
    </message>
    <message>
        <source>{name} is not in {room} any more</source>
        <translation>{name} ist nicht mehr in {room}</translation>
    </message>
    <message>
        <source>Removed {name} from {room}</source>
        <translation>{name} aus {room} entfernt</translation>
    </message>
    <message>
        <source>Banned the name {value} until you stop hosting</source>
        <translation>Der Name {value} ist gesperrt, bis Sie das Hosten beenden</translation>
    </message>
    <message>
        <source>it is this computer, and your own connection comes from it</source>
        <translation>das ist dieser Computer, und Ihre eigene Verbindung kommt von dort</translation>
    </message>
    <message>
        <source>Banned the address {value} until you stop hosting</source>
        <translation>Die Adresse {value} ist gesperrt, bis Sie das Hosten beenden</translation>
    </message>
    <message>
        <source>Cannot ban {value}: {error}</source>
        <translation>{value} kann nicht gesperrt werden: {error}</translation>
    </message>
    <message>
        <source>({count} removed)</source>
        <translation>({count} entfernt)</translation>
    </message>
    <message>
        <source>{value} may join again</source>
        <translation>{value} darf wieder beitreten</translation>
    </message>
    <message>
        <source>{value} was not banned</source>
        <translation>{value} war nicht gesperrt</translation>
    </message>
    <message>
        <source>Not hosting: there is no room to change</source>
        <translation>Kein Raum wird gehostet: es gibt nichts zu ändern</translation>
    </message>
    <message>
        <source>The password was not changed: it has at most {limit} characters</source>
        <translation>Das Passwort wurde nicht geändert: es hat höchstens {limit} Zeichen</translation>
    </message>
    <message>
        <source>The room has no password now: anyone with the invite can join</source>
        <translation>Der Raum hat jetzt kein Passwort: alle mit der Einladung können beitreten</translation>
    </message>
    <message>
        <source>The room&apos;s password is set: people already in stay, new ones need it</source>
        <translation>Das Passwort des Raums ist gesetzt: wer schon drin ist, bleibt; neue Personen brauchen es</translation>
    </message>
    <message>
        <source>{name} is you: stop hosting to leave the room</source>
        <translation>{name} sind Sie: beenden Sie das Hosten, um den Raum zu verlassen</translation>
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
</context>
<context>
    <name>ComposerBar</name>
    <message>
        <source>Why the message was not sent</source>
        <translation>Warum die Nachricht nicht gesendet wurde</translation>
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
        <source>Mor&amp;e…</source>
        <translation>M&amp;ehr …</translation>
    </message>
    <message>
        <source>Connection options</source>
        <translation>Verbindungsoptionen</translation>
    </message>
    <message>
        <source>Headers, subprotocols, query, TLS and timeouts for the next connect</source>
        <translation>Header, Subprotokolle, Query, TLS und Timeouts für die nächste Verbindung</translation>
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
    <name>ConnectionOptions</name>
    <message>
        <source>A header needs a name.</source>
        <extracomment>Seconds to wait for the opening handshake (TCP, TLS and HTTP upgrade). Seconds between keepalive pings; None sends none. Seconds to wait for a ping&apos;s pong before dropping the connection; None waits forever. The shortest timeout or interval: less is a typo, not a choice. The longest opening handshake worth waiting for. The longest ping interval or ping timeout: an hour. RFC 7230, 3.2.6: tchar. RFC 7230, 3.2: field-value is VCHAR, obs-text, SP and HTAB; no other control character. Headers the handshake sets itself (lower case → how to write it in a message). Header names whose values are always secret (lower case). A header whose name contains one of these is taken for a secret. A value like &quot;Bearer abc…&quot; or &quot;Basic dXNlcjpw…&quot; is a credential whatever the name. Settings keys (to_settings / from_settings). Shows a marked text in the user&apos;s language: ``desktop/i18n.py`` sets it to ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py). None: automatic (the client decides); (): offer no subprotocol. A PEM file of extra certificate authorities to trust (&quot;&quot; for none).</extracomment>
        <translation>Ein Header braucht einen Namen.</translation>
    </message>
    <message>
        <source>Header name {name!r} is not valid: use only letters, digits and !#$%&amp;&apos;*+-.^_`|~ (RFC 7230).</source>
        <translation>Der Header-Name {name!r} ist ungültig: Verwenden Sie nur Buchstaben, Ziffern und !#$%&amp;&apos;*+-.^_`|~ (RFC 7230).</translation>
    </message>
    <message>
        <source>Don&apos;t add a Sec-WebSocket-Protocol header: use the subprotocols field.</source>
        <translation>Fügen Sie keinen Sec-WebSocket-Protocol-Header hinzu: Verwenden Sie das Feld „Subprotokolle“.</translation>
    </message>
    <message>
        <source>The {name} header is set by the WebSocket handshake itself: it can&apos;t be added.</source>
        <translation>Der Header {name} wird vom WebSocket-Handshake selbst gesetzt: Er kann nicht hinzugefügt werden.</translation>
    </message>
    <message>
        <source>The value of the {name} header contains a line break or another control character: HTTP doesn&apos;t allow that.</source>
        <translation>Der Wert des Headers {name} enthält einen Zeilenumbruch oder ein anderes Steuerzeichen: HTTP erlaubt das nicht.</translation>
    </message>
    <message>
        <source>The {name} header is given twice: give it once (several values go in one, separated by commas).</source>
        <translation>Der Header {name} ist doppelt angegeben: Geben Sie ihn nur einmal an (mehrere Werte kommen, durch Kommas getrennt, in einen).</translation>
    </message>
    <message>
        <source>Subprotocol {name!r} is not valid: use only letters, digits and !#$%&amp;&apos;*+-.^_`|~ (RFC 6455, 4.1).</source>
        <translation>Das Subprotokoll {name!r} ist ungültig: Verwenden Sie nur Buchstaben, Ziffern und !#$%&amp;&apos;*+-.^_`|~ (RFC 6455, 4.1).</translation>
    </message>
    <message>
        <source>Subprotocol {name!r} is listed twice.</source>
        <translation>Das Subprotokoll {name!r} ist doppelt aufgeführt.</translation>
    </message>
    <message>
        <source>A query parameter needs a name (the one with the value {value!r}).</source>
        <translation>Ein Query-Parameter braucht einen Namen (der mit dem Wert {value!r}).</translation>
    </message>
    <message>
        <source>The open timeout must be {low:g} to {high:g} seconds, not {value}.</source>
        <extracomment>The limits of each duration, with what is said when a value is outside them.</extracomment>
        <translation>Das Verbindungs-Timeout muss {low:g} bis {high:g} Sekunden betragen, nicht {value}.</translation>
    </message>
    <message>
        <source>The ping interval must be {low:g} to {high:g} seconds (or no pings), not {value}.</source>
        <translation>Das Ping-Intervall muss {low:g} bis {high:g} Sekunden betragen (oder keine Pings), nicht {value}.</translation>
    </message>
    <message>
        <source>The ping timeout must be {low:g} to {high:g} seconds (or none), not {value}.</source>
        <translation>Das Ping-Timeout muss {low:g} bis {high:g} Sekunden betragen (oder keines), nicht {value}.</translation>
    </message>
    <message>
        <source>The CA file {path} does not exist.</source>
        <translation>Die CA-Datei {path} existiert nicht.</translation>
    </message>
    <message>
        <source>The CA file {path} is not a file.</source>
        <translation>Die CA-Datei {path} ist keine Datei.</translation>
    </message>
    <message>
        <source>The CA file {path} can&apos;t be read: {reason}.</source>
        <translation>Die CA-Datei {path} kann nicht gelesen werden: {reason}.</translation>
    </message>
</context>
<context>
    <name>ConnectionOptionsWidget</name>
    <message>
        <source>Connection options</source>
        <translation>Verbindungsoptionen</translation>
    </message>
    <message>
        <source>Headers, subprotocols, query parameters, TLS trust and timeouts</source>
        <translation>Header, Subprotokolle, Query-Parameter, TLS-Vertrauen und Timeouts</translation>
    </message>
    <message>
        <source>Sho&amp;w secret values</source>
        <translation>Geheime Werte &amp;zeigen</translation>
    </message>
    <message>
        <source>Show secret values</source>
        <translation>Geheime Werte zeigen</translation>
    </message>
    <message>
        <source>Show the values of headers such as Authorization instead of dots</source>
        <translation>Die Werte von Headern wie Authorization statt Punkten zeigen</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>automatisch</translation>
    </message>
    <message>
        <source>Subprotocols to offer, separated by commas. Empty: automatic (roomcast.v1 for Roomcast servers, none for others)</source>
        <translation>Anzubietende Subprotokolle, durch Kommas getrennt. Leer: automatisch (roomcast.v1 für Roomcast-Server, keines für andere)</translation>
    </message>
    <message>
        <source>Subprotocols</source>
        <translation>Subprotokolle</translation>
    </message>
    <message>
        <source>O&amp;ffer no subprotocol</source>
        <translation>Kein Subpr&amp;otokoll anbieten</translation>
    </message>
    <message>
        <source>Offer no subprotocol</source>
        <translation>Kein Subprotokoll anbieten</translation>
    </message>
    <message>
        <source>Send no Sec-WebSocket-Protocol header at all</source>
        <translation>Überhaupt keinen Sec-WebSocket-Protocol-Header senden</translation>
    </message>
    <message>
        <source>none: the system&apos;s authorities only</source>
        <translation>keine: nur die Zertifizierungsstellen des Systems</translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>CA-Datei</translation>
    </message>
    <message>
        <source>A PEM file of certificate authorities to trust besides the system&apos;s, for wss:// servers</source>
        <translation>Eine PEM-Datei mit Zertifizierungsstellen, denen zusätzlich zu denen des Systems vertraut wird, für wss://-Server</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen …</translation>
    </message>
    <message>
        <source>Browse for a CA file</source>
        <translation>Nach einer CA-Datei suchen</translation>
    </message>
    <message>
        <source>Choose the CA file in a file dialog</source>
        <translation>Die CA-Datei in einem Dateidialog wählen</translation>
    </message>
    <message>
        <source>Trusted certificate</source>
        <translation>Vertrauenswürdiges Zertifikat</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>Vergessen</translation>
    </message>
    <message>
        <source>Forget the trusted certificate</source>
        <translation>Das vertrauenswürdige Zertifikat vergessen</translation>
    </message>
    <message>
        <source>Stop trusting this server&apos;s pinned certificate; the next connection asks again</source>
        <translation>Dem gepinnten Zertifikat dieses Servers nicht mehr vertrauen; bei der nächsten Verbindung wird erneut gefragt</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Open timeout</source>
        <translation>Verbindungs-Timeout</translation>
    </message>
    <message>
        <source>Seconds to wait for the server to accept the connection</source>
        <translation>Wie viele Sekunden gewartet wird, bis der Server die Verbindung annimmt</translation>
    </message>
    <message>
        <source>no pings</source>
        <translation>keine Pings</translation>
    </message>
    <message>
        <source>Ping interval</source>
        <translation>Ping-Intervall</translation>
    </message>
    <message>
        <source>Seconds between keepalive pings; 0 sends no pings</source>
        <translation>Sekunden zwischen Keepalive-Pings; 0 sendet keine Pings</translation>
    </message>
    <message>
        <source>no timeout</source>
        <translation>kein Timeout</translation>
    </message>
    <message>
        <source>Ping timeout</source>
        <translation>Ping-Timeout</translation>
    </message>
    <message>
        <source>Seconds to wait for the answer to a ping before giving up; 0 waits forever</source>
        <translation>Wie viele Sekunden auf die Antwort auf einen Ping gewartet wird, bevor aufgegeben wird; 0 wartet unbegrenzt</translation>
    </message>
    <message>
        <source>Problem with the connection options</source>
        <translation>Problem mit den Verbindungsoptionen</translation>
    </message>
    <message>
        <source>&amp;Headers:</source>
        <translation>&amp;Header:</translation>
    </message>
    <message>
        <source>Subprotocols:</source>
        <translation>Subprotokolle:</translation>
    </message>
    <message>
        <source>&amp;Query parameters:</source>
        <translation>&amp;Query-Parameter:</translation>
    </message>
    <message>
        <source>CA file:</source>
        <translation>CA-Datei:</translation>
    </message>
    <message>
        <source>Trusted certificate:</source>
        <translation>Vertrauenswürdiges Zertifikat:</translation>
    </message>
    <message>
        <source>Open timeout:</source>
        <translation>Verbindungs-Timeout:</translation>
    </message>
    <message>
        <source>&amp;Keepalive ping interval:</source>
        <translation>&amp;Keepalive-Ping-Intervall:</translation>
    </message>
    <message>
        <source>Ping timeout:</source>
        <translation>Ping-Timeout:</translation>
    </message>
    <message>
        <source>Not used: only wss:// addresses have certificates</source>
        <translation>Nicht verwendet: Nur wss://-Adressen haben Zertifikate</translation>
    </message>
    <message>
        <source>None: the certificate must be signed by a trusted authority</source>
        <translation>Keines: Das Zertifikat muss von einer vertrauenswürdigen Zertifizierungsstelle signiert sein</translation>
    </message>
    <message>
        <source>SHA-256 {fingerprint}</source>
        <translation>SHA-256 {fingerprint}</translation>
    </message>
    <message>
        <source>Choose a CA file</source>
        <translation>CA-Datei wählen</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer)</source>
        <translation>Zertifikate (*.pem *.crt *.cer)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>DiscoveredRoomsModel</name>
    <message>
        <source>{room} — {host}</source>
        <extracomment>Hex pairs of the fingerprint the details show (the tooltip shows all 32).</extracomment>
        <translation>{room} — {host}</translation>
    </message>
    <message>
        <source>password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>SHA-256 {fingerprint}</source>
        <translation>SHA-256 {fingerprint}</translation>
    </message>
    <message>
        <source>not encrypted</source>
        <translation>nicht verschlüsselt</translation>
    </message>
    <message>
        <source>Needs a password</source>
        <translation>Braucht ein Passwort</translation>
    </message>
    <message>
        <source>Certificate SHA-256 fingerprint: {fingerprint}</source>
        <translation>SHA-256-Fingerabdruck des Zertifikats: {fingerprint}</translation>
    </message>
    <message>
        <source>Not encrypted: others on the network can read it</source>
        <translation>Nicht verschlüsselt: andere im Netzwerk können mitlesen</translation>
    </message>
</context>
<context>
    <name>Discovery</name>
    <message>
        <source>Looking for rooms on this network is not possible: {reason}. Rooms can still be joined by their address.</source>
        <extracomment>Where zeroconf listens and answers: an InterfaceChoice, or IP addresses. The DNS-SD service type (RFC 6763, 7: ``_name._tcp``; the name is at most 15 characters). The TXT record&apos;s version (``v``, RFC 6763 6.7). Another value is another format: ignored. RFC 6763 6.1: each TXT string (``key=value``) is at most 255 bytes. RFC 6763 4.1.1: the instance name is one DNS label, at most 63 bytes. Bytes left free in the instance name for the &quot;-N&quot; zeroconf appends on a conflict. Rooms a Browser keeps at most (resolving ones included); more are ignored. Seconds a Browser waits for a service&apos;s SRV, TXT and A records. Seconds :meth:`Advertiser.close` waits for its goodbyes (RFC 6762 10.1) to be sent. What a dot in the instance name is shown as (U+2024 ONE DOT LEADER). The TXT keys of version 1. The host&apos;s display name, as others see it in the list. The host&apos;s IPv4 addresses, as strings; at least one. The certificate&apos;s SHA-256 fingerprint (any form parse_fingerprint reads), kept as ``AB:CD:…``; None for a plain ws:// room. wss://; exactly when there is a fingerprint. The service instance&apos;s full name in lower case (DNS names compare without case, RFC 6762 16): what the Browser files it under. The first usable IPv4 address the advert gave. ``AB:CD:…``; None for a plain ws:// room. Every usable IPv4 address the advert gave, ``address`` first.</extracomment>
        <translation>Die Suche nach Räumen in diesem Netzwerk ist nicht möglich: {reason}. Räume lassen sich weiterhin über ihre Adresse betreten.</translation>
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
        <source>C&amp;ontrol</source>
        <translation>Kontro&amp;lle</translation>
    </message>
    <message>
        <source>Control frames: ping, pong, close</source>
        <translation>Kontroll-Frames: ping, pong, close</translation>
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
    <name>FrameDetail</name>
    <message>
        <source>Frame details</source>
        <extracomment>The Hex tab dumps at most this many bytes (65,536 lines): a larger frame&apos;s dump ends with a line saying how many bytes are not shown. The Key column fits the widest key of this many rows of the tree. The tab the person chose last; None until they choose one. True while show_row sets the tabs: their changes are not the person&apos;s. The tabs filled with the frame shown (see _fill).</extracomment>
        <translation>Frame-Details</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Richtung</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Opcode</source>
        <translation>Opcode</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Anmerkung</translation>
    </message>
    <message>
        <source>JSON tree</source>
        <translation>JSON-Baum</translation>
    </message>
    <message>
        <source>The frame&apos;s JSON: keys and values; Ctrl+C copies the selected value</source>
        <translation>Das JSON des Frames: Schlüssel und Werte; Strg+C kopiert den ausgewählten Wert</translation>
    </message>
    <message>
        <source>Copy value</source>
        <translation>Wert kopieren</translation>
    </message>
    <message>
        <source>Frame text</source>
        <translation>Frame-Text</translation>
    </message>
    <message>
        <source>The frame&apos;s payload as text</source>
        <translation>Die Nutzdaten des Frames als Text</translation>
    </message>
    <message>
        <source>Frame bytes</source>
        <translation>Frame-Bytes</translation>
    </message>
    <message>
        <source>The frame&apos;s bytes: offset, hexadecimal and printable characters</source>
        <translation>Die Bytes des Frames: Offset, hexadezimal und als druckbare Zeichen</translation>
    </message>
    <message>
        <source>Tree</source>
        <translation>Baum</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Hex</source>
        <translation>Hex</translation>
    </message>
    <message>
        <source>Frame views</source>
        <translation>Frame-Ansichten</translation>
    </message>
    <message>
        <source>The payload as a JSON tree, as text, as bytes</source>
        <translation>Die Nutzdaten als JSON-Baum, als Text, als Bytes</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy what the current tab shows: the selected value, the text or the hex dump</source>
        <translation>Kopieren, was der aktuelle Reiter zeigt: den ausgewählten Wert, den Text oder den Hex-Dump</translation>
    </message>
    <message>
        <source>Copy raw</source>
        <translation>Roh kopieren</translation>
    </message>
    <message>
        <source>Copy the payload exactly: a text frame&apos;s text, other frames&apos; bytes as hex</source>
        <translation>Die Nutzdaten unverändert kopieren: bei einem Text-Frame den Text, bei anderen Frames die Bytes als Hex</translation>
    </message>
    <message>
        <source>Select a frame to see its details</source>
        <translation>Wählen Sie einen Frame aus, um seine Details zu sehen</translation>
    </message>
    <message>
        <source>Notices are not frames</source>
        <translation>Hinweise sind keine Frames</translation>
    </message>
    <message>
        <source>No frame was recorded for this row yet</source>
        <translation>Für diese Zeile wurde noch kein Frame aufgezeichnet</translation>
    </message>
    <message>
        <source>Copy &amp;value</source>
        <translation>&amp;Wert kopieren</translation>
    </message>
    <message>
        <source>Copy &amp;path</source>
        <translation>&amp;Pfad kopieren</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>1 byte</source>
        <translation>1 Byte</translation>
    </message>
    <message>
        <source>{count} bytes</source>
        <translation>{count} Bytes</translation>
    </message>
    <message>
        <source>binary frame, shown as text (valid UTF-8)</source>
        <translation>Binär-Frame, als Text angezeigt (gültiges UTF-8)</translation>
    </message>
</context>
<context>
    <name>Frames</name>
    <message>
        <source>… 1 more byte not shown</source>
        <extracomment>Bytes on one line of a hex dump, as ``hexdump -C`` and ``xxd`` print them. Hex bytes are grouped in eights, with one more space between groups. A string node&apos;s summary shows at most this many characters of the string. The units of :func:`compact_size`, 1024 apart. Shows a marked text in the user&apos;s language: ``desktop/i18n.py`` sets it to ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py). Printable ASCII stays; every other byte is &quot;.&quot; in a hex dump&apos;s text column.</extracomment>
        <translation>… 1 weiteres Byte nicht angezeigt</translation>
    </message>
    <message>
        <source>… {count} more bytes not shown</source>
        <translation>… {count} weitere Bytes nicht angezeigt</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>leer</translation>
    </message>
    <message>
        <source>1 byte</source>
        <translation>1 Byte</translation>
    </message>
    <message>
        <source>{count} bytes</source>
        <translation>{count} Bytes</translation>
    </message>
    <message>
        <source>close · invalid payload (1 byte)</source>
        <translation>close · ungültige Nutzdaten (1 Byte)</translation>
    </message>
    <message>
        <source>close · no code</source>
        <translation>close · kein Code</translation>
    </message>
    <message>
        <source>1 key</source>
        <extracomment>The payload&apos;s size in bytes as it travelled. The payload as text: a text frame&apos;s, or a binary frame&apos;s that is UTF-8 text; a ping&apos;s or pong&apos;s that is; None otherwise. The payload&apos;s bytes as they travelled (UTF-8 for a text frame). The parsed JSON when ``is_json`` (JSON&apos;s ``null`` is None too). A binary frame that is shown as text because its bytes are UTF-8. Rows whose text is worth parsing as JSON: the client already knows a TEXT row&apos;s text does not parse, and a chat row is a Roomcast frame (PROTOCOL.md). Rows whose bytes are UTF-8 text (desktop/client.py, ``classify``). Control characters other than tab and line breaks: bytes with these are data, not text, even when they are valid UTF-8 (desktop/client.py, ``classify``). RFC 9535 (JSONPath), 2.5.1.1: a member name that may follow a dot (``name-first *name-char``); every other name is written ``[&quot;...&quot;]``. The kinds of the types json.loads makes, found with one look-up (a large array&apos;s children are built in one go); other values go through _kind.</extracomment>
        <translation>1 Schlüssel</translation>
    </message>
    <message>
        <source>{count} keys</source>
        <translation>{count} Schlüssel</translation>
    </message>
    <message>
        <source>1 item</source>
        <translation>1 Element</translation>
    </message>
    <message>
        <source>{count} items</source>
        <translation>{count} Elemente</translation>
    </message>
</context>
<context>
    <name>HostControls</name>
    <message>
        <source>People in the &amp;hosted room</source>
        <translation>&amp;Personen im gehosteten Raum</translation>
    </message>
    <message>
        <source>Rooms on &amp;your network…</source>
        <translation>Räume in Ihrem Net&amp;zwerk …</translation>
    </message>
</context>
<context>
    <name>HostDialog</name>
    <message>
        <source>A room needs a name.</source>
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
        <source>&amp;Let people on this network find the room</source>
        <translation>Den Raum im Netzwerk au&amp;ffindbar machen</translation>
    </message>
    <message>
        <source>Let people on this network find the room</source>
        <translation>Den Raum im Netzwerk auffindbar machen</translation>
    </message>
    <message>
        <source>Announce the room on the local network, so that Roomcast lists it in Connect</source>
        <translation>Den Raum im lokalen Netzwerk ankündigen, damit Roomcast ihn unter „Räume in Ihrem Netzwerk“ auflistet</translation>
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
        <extracomment>LOCAL_ONLY (&quot;Only this computer&quot;) or ALL_NETWORKS (&quot;People on my network&quot;). roomcast-server&apos;s default port, so a hosted room is where people expect one. Let people on this network find the room (mDNS, ``_roomcast._tcp``); only ever for a room others can reach (:attr:`advertised`). Remembered as it was chosen, also while &quot;Only this computer&quot; is. The folder next to the hosted database that keeps the hosting certificate (``server.certificates.CERT_FILE``). Not ``roomcast-server``&apos;s ``tls/``: a headless server started with another ``--host`` would make that one again, and the app&apos;s fingerprint, which guests pinned, would change. The names a kept certificate must carry to be kept: the host&apos;s own client connects over loopback. LAN addresses are not asked for, so that a new Wi-Fi does not change the fingerprint (module docstring). A host name as a certificate can carry it (RFC 1123 labels; IDNA is not ours to guess).</extracomment>
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
    <message>
        <source>Cannot host for the network: the encryption certificate cannot be kept in {folder} ({reason}).</source>
        <translation>Hosten für das Netzwerk nicht möglich: das Verschlüsselungszertifikat kann nicht in {folder} gespeichert werden ({reason}).</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>Connection options</source>
        <extracomment>Where the pinned certificates are kept in the settings.</extracomment>
        <translation>Verbindungsoptionen</translation>
    </message>
    <message>
        <source>Used when you connect: for the room shown, Disconnect and Connect again.</source>
        <translation>Wird beim Verbinden verwendet: Für den angezeigten Raum auf „Trennen“ und dann erneut auf „Verbinden“ klicken.</translation>
    </message>
    <message>
        <source>Frame de&amp;tails</source>
        <translation>Frame-De&amp;tails</translation>
    </message>
    <message>
        <source>Saved &amp;messages</source>
        <translation>&amp;Gespeicherte Nachrichten</translation>
    </message>
    <message>
        <source>Show &amp;control frames</source>
        <translation>&amp;Kontroll-Frames zeigen</translation>
    </message>
    <message>
        <source>Record pings, pongs and close frames as rows, in every room, from now on</source>
        <translation>Pings, Pongs und Close-Frames ab jetzt in jedem Raum als Zeilen aufzeichnen</translation>
    </message>
    <message>
        <source>Copy as &amp;websocat command</source>
        <translation>Als &amp;websocat-Befehl kopieren</translation>
    </message>
    <message>
        <source>Copy as wsca&amp;t command</source>
        <translation>Als wsca&amp;t-Befehl kopieren</translation>
    </message>
    <message>
        <source>Untrusted certificate</source>
        <translation>Nicht vertrauenswürdiges Zertifikat</translation>
    </message>
    <message>
        <source>Trust it only if the fingerprint matches the one the server&apos;s operator gave you. A trusted certificate that later changes is refused.</source>
        <translation>Vertrauen Sie ihm nur, wenn der Fingerabdruck mit dem übereinstimmt, den Ihnen der Betreiber des Servers genannt hat. Ändert sich ein vertrauenswürdiges Zertifikat später, wird es abgelehnt.</translation>
    </message>
    <message>
        <source>&amp;Trust and connect</source>
        <translation>&amp;Vertrauen und verbinden</translation>
    </message>
    <message>
        <source>Open a room first: there is no connection to copy</source>
        <translation>Öffnen Sie zuerst einen Raum: Es gibt keine Verbindung zum Kopieren</translation>
    </message>
    <message>
        <source>Copied: {command}</source>
        <translation>Kopiert: {command}</translation>
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
        <source>In a browser, no install:</source>
        <translation>Im Browser, ohne Installation:</translation>
    </message>
    <message>
        <source>Browsers warn first: the certificate is this computer&apos;s own. Open the browser&apos;s certificate viewer (left of the address); if its SHA-256 is the one above, continue.</source>
        <extracomment>&quot;Only this computer&quot;: nobody else can even reach the port. &quot;People on my network&quot;: every IPv4 interface. How far above a busy port we look for a free one to suggest. Typing &quot;8766&quot; in the spin box must not bind four times. Modules of white around a QR symbol; scanners need at least 4 (ISO/IEC 18004). A SHA-256 fingerprint (32 pairs) is shown as two lines of 16 pairs, or four of 8 where the panel is narrower (the window&apos;s side column is). The invite view grows with its (wrapped) lines up to this many, then scrolls. Below this the invite panel scrolls rather than shrink further. What a browser guest of an encrypted room sees, and how to check it (the module docstring says why browsers get TLS too). The certificate viewer is behind the icon left of the address in Firefox, Chrome, Edge and Safari.</extracomment>
        <translation>Browser warnen zuerst: das Zertifikat ist das eigene dieses Computers. Öffnen Sie die Zertifikatsanzeige des Browsers (links neben der Adresse); ist ihr SHA-256 der obige, fahren Sie fort.</translation>
    </message>
    <message>
        <source>Certificate fingerprint (SHA-256):</source>
        <translation>Fingerabdruck des Zertifikats (SHA-256):</translation>
    </message>
    <message>
        <source>Certificate fingerprint</source>
        <translation>Fingerabdruck des Zertifikats</translation>
    </message>
    <message>
        <source>The SHA-256 fingerprint of this computer&apos;s certificate: guests compare it with the one their app or browser shows</source>
        <translation>Der SHA-256-Fingerabdruck des Zertifikats dieses Computers: Gäste vergleichen ihn mit dem, den ihre App oder ihr Browser zeigt</translation>
    </message>
    <message>
        <source>Browser link</source>
        <translation>Browser-Link</translation>
    </message>
    <message>
        <source>The web page guests open in a browser to join this room</source>
        <translation>Die Webseite, die Gäste im Browser öffnen, um diesem Raum beizutreten</translation>
    </message>
    <message>
        <source>Copy link</source>
        <translation>Link kopieren</translation>
    </message>
    <message>
        <source>Copy browser link</source>
        <translation>Browser-Link kopieren</translation>
    </message>
    <message>
        <source>Copy the browser link; the password is never included</source>
        <translation>Den Browser-Link kopieren; das Passwort ist nie enthalten</translation>
    </message>
    <message>
        <source>QR code: browser link</source>
        <translation>QR-Code: Browser-Link</translation>
    </message>
    <message>
        <source>QR code: app address</source>
        <translation>QR-Code: App-Adresse</translation>
    </message>
    <message>
        <source>Which address the QR code holds</source>
        <translation>Welche Adresse der QR-Code enthält</translation>
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
        <extracomment>The first address a phone can reach (not loopback); None: no QR code.</extracomment>
        <translation>Personen in {room} einladen</translation>
    </message>
    <message>
        <source>Copy invite</source>
        <translation>Einladung kopieren</translation>
    </message>
    <message>
        <source>Invites</source>
        <translation>Einladungen</translation>
    </message>
    <message>
        <source>The invites others open in Roomcast to join this room, one per line; each carries the certificate&apos;s fingerprint</source>
        <translation>Die Einladungen, die andere in Roomcast öffnen, um diesem Raum beizutreten, eine pro Zeile; jede trägt den Fingerabdruck des Zertifikats</translation>
    </message>
    <message>
        <source>Copy the first invite, with the certificate&apos;s fingerprint; the password is never included</source>
        <translation>Die erste Einladung mit dem Fingerabdruck des Zertifikats kopieren; das Passwort ist nie enthalten</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
</context>
<context>
    <name>JsonTreeModel</name>
    <message>
        <source>Key</source>
        <extracomment>Rows of one node laid out at a time (the first batch at once, the rest on ``fetchMore``): a view expands it in a few tens of milliseconds. id(node) → how many of its rows are shown, for the nodes fetched past the first batch (the nodes live as long as the root: ids are stable).</extracomment>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
</context>
<context>
    <name>KickDialog</name>
    <message>
        <source>Remove {name}</source>
        <translation>{name} entfernen</translation>
    </message>
    <message>
        <source>Remove {name} ({address}) from the room “{room}”?</source>
        <translation>{name} ({address}) aus dem Raum „{room}“ entfernen?</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Why the member is removed; they read it when their connection closes</source>
        <translation>Warum das Mitglied entfernt wird; es liest das, wenn seine Verbindung schließt</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Grund:</translation>
    </message>
    <message>
        <source>Also ban this &amp;name</source>
        <translation>Auch diesen &amp;Namen sperren</translation>
    </message>
    <message>
        <source>Also ban this name</source>
        <translation>Auch diesen Namen sperren</translation>
    </message>
    <message>
        <source>Nobody can join as {name} again until you stop hosting</source>
        <translation>Niemand kann wieder als {name} beitreten, bis Sie das Hosten beenden</translation>
    </message>
    <message>
        <source>Also ban this a&amp;ddress for this session</source>
        <translation>Auch diese &amp;Adresse für diese Sitzung sperren</translation>
    </message>
    <message>
        <source>Also ban this address for this session</source>
        <translation>Auch diese Adresse für diese Sitzung sperren</translation>
    </message>
    <message>
        <source>Nobody from {address} can join until you stop hosting; people who share that address (one home or office network) are kept out too</source>
        <translation>Niemand von {address} kann beitreten, bis Sie das Hosten beenden; wer diese Adresse teilt (ein Heim- oder Büronetz), bleibt ebenfalls draußen</translation>
    </message>
    <message>
        <source>You connect from {address} too: banning it would shut you out</source>
        <translation>Sie verbinden sich auch von {address}: eine Sperre würde Sie selbst aussperren</translation>
    </message>
    <message>
        <source>&amp;Kick</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Kick</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Close the member&apos;s connection with this reason</source>
        <translation>Die Verbindung des Mitglieds mit diesem Grund schließen</translation>
    </message>
    <message>
        <source>Close without removing anyone</source>
        <translation>Schließen, ohne jemanden zu entfernen</translation>
    </message>
    <message>
        <source>The member sees: {reason}</source>
        <translation>Das Mitglied sieht: {reason}</translation>
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
        <extracomment>At most one typing hint per this many seconds (PROTOCOL.md, typing: a hint). The member column: wide enough for a long name, never a third of the window. An export&apos;s progress dialog appears only if it is expected to take longer.</extracomment>
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
        <source>Rooms on your network…</source>
        <translation>Räume in Ihrem Netzwerk …</translation>
    </message>
    <message>
        <source>Rooms on your network</source>
        <translation>Räume in Ihrem Netzwerk</translation>
    </message>
    <message>
        <source>Rooms hosted with Roomcast on this network, to join with a click</source>
        <translation>Mit Roomcast gehostete Räume in diesem Netzwerk, mit einem Klick zu betreten</translation>
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
        <extracomment>&quot;Open another room&quot; (Ctrl+N): the bar is free for a new address until a room connects or another room is shown. Scroll positions saved at the last quit, restored once the room&apos;s first history page is there. A saved connection&apos;s options, for the connectRequested that follows.</extracomment>
        <translation>Roomcast zeigen</translation>
    </message>
    <message>
        <source>Quit Roomcast</source>
        <translation>Roomcast beenden</translation>
    </message>
    <message>
        <source>&amp;Room</source>
        <extracomment>The export running (or the last one): its result is the rows written.</extracomment>
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
        <source>Exporting the session to {path}…</source>
        <translation>Die Sitzung wird nach {path} exportiert…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Export cancelled: nothing was written to {path}</source>
        <translation>Export abgebrochen: nach {path} wurde nichts geschrieben</translation>
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
    <name>Members</name>
    <message>
        <source>Room</source>
        <extracomment>A ping that has waited this long (seconds) shows as &quot;no answer for N s&quot; instead of the last round trip. The server pings every 20 s and gives up after 20 more (server.defaults.PING_INTERVAL, PING_TIMEOUT); a healthy member answers in milliseconds, so 5 s is a connection in trouble. Unsent bytes from which a queue that is not going down is flagged. The server drops a member at 4 MiB (server.defaults.MAX_BUFFER); 64 KiB is twice websockets&apos; write high-water mark, so a busy but reading member does not trip it. RTT below this many seconds is shown in milliseconds. A row&apos;s identity: (room, name). Names are unique in a room (server.names). Right-aligned: numbers, so that their digits line up.</extracomment>
        <translation>Raum</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation>Verbunden seit</translation>
    </message>
    <message>
        <source>Round trip</source>
        <translation>Umlaufzeit</translation>
    </message>
    <message>
        <source>Unsent</source>
        <translation>Ungesendet</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>The room the member joined</source>
        <translation>Der Raum, dem das Mitglied beigetreten ist</translation>
    </message>
    <message>
        <source>The member&apos;s name</source>
        <translation>Der Name des Mitglieds</translation>
    </message>
    <message>
        <source>The IP address the member connects from</source>
        <translation>Die IP-Adresse, von der sich das Mitglied verbindet</translation>
    </message>
    <message>
        <source>When the member joined, and for how long</source>
        <translation>Wann das Mitglied beitrat, und seit wann</translation>
    </message>
    <message>
        <source>How long the member&apos;s last answer to a ping took to arrive</source>
        <translation>Wie lange die letzte Antwort des Mitglieds auf einen Ping brauchte</translation>
    </message>
    <message>
        <source>Bytes waiting to be sent to the member: it grows when the member stops reading</source>
        <translation>Bytes, die auf das Senden an das Mitglied warten: wächst, wenn das Mitglied nicht mehr liest</translation>
    </message>
    <message>
        <source>Messages the member posted since joining</source>
        <translation>Nachrichten, die das Mitglied seit dem Beitritt gesendet hat</translation>
    </message>
    <message>
        <source>no answer for {seconds} s</source>
        <translation>keine Antwort seit {seconds} s</translation>
    </message>
    <message>
        <source>under 1 ms</source>
        <translation>unter 1 ms</translation>
    </message>
    <message>
        <source>{ms} ms</source>
        <translation>{ms} ms</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} s</translation>
    </message>
    <message>
        <source>No answer to a ping yet</source>
        <translation>Noch keine Antwort auf einen Ping</translation>
    </message>
    <message>
        <source>Last round trip: {ms} ms</source>
        <translation>Letzte Umlaufzeit: {ms} ms</translation>
    </message>
    <message>
        <source>A ping has waited {seconds} s for its answer</source>
        <translation>Ein Ping wartet seit {seconds} s auf seine Antwort</translation>
    </message>
    <message>
        <source>{count} bytes not yet taken by the member&apos;s connection</source>
        <translation>{count} Bytes noch nicht von der Verbindung des Mitglieds übernommen</translation>
    </message>
    <message>
        <source>for less than a minute</source>
        <translation>seit weniger als einer Minute</translation>
    </message>
    <message>
        <source>for {minutes} min</source>
        <translation>seit {minutes} min</translation>
    </message>
    <message>
        <source>for {hours} h</source>
        <translation>seit {hours} h</translation>
    </message>
    <message>
        <source>for {hours} h {minutes} min</source>
        <translation>seit {hours} h {minutes} min</translation>
    </message>
    <message>
        <source>for {days} d</source>
        <translation>seit {days} T</translation>
    </message>
    <message>
        <source>for {days} d {hours} h</source>
        <translation>seit {days} T {hours} h</translation>
    </message>
    <message>
        <source>{time}, {duration}</source>
        <translation>{time}, {duration}</translation>
    </message>
    <message>
        <source>Joined {time}</source>
        <translation>Beigetreten {time}</translation>
    </message>
    <message>
        <source>{name} (you)</source>
        <translation>{name} (Sie)</translation>
    </message>
    <message>
        <source>No answer to a ping for {seconds} s: the connection may be stuck</source>
        <extracomment>The current ping has waited ``no_answer_after`` seconds or more. ``unsent_warning`` bytes or more wait, and fewer did not the last time. When the row was read (Unix time): &quot;for 3 min&quot; counts to it. The ``no_answer_after`` the row was made with (its RTT text uses it).</extracomment>
        <translation>Seit {seconds} s keine Antwort auf einen Ping: die Verbindung hängt vielleicht</translation>
    </message>
    <message>
        <source>{size} waiting to be sent and not going down: the member may not be reading</source>
        <translation>{size} warten auf das Senden und werden nicht weniger: das Mitglied liest vielleicht nicht</translation>
    </message>
    <message>
        <source>You host this room: you cannot remove yourself</source>
        <translation>Sie hosten diesen Raum: Sie können sich nicht selbst entfernen</translation>
    </message>
    <message>
        <source>{count} messages posted since joining</source>
        <translation>{count} Nachrichten seit dem Beitritt gesendet</translation>
    </message>
</context>
<context>
    <name>MembersPanel</name>
    <message>
        <source>Cancel</source>
        <extracomment>How often the panel asks for fresh member data while it is visible. A dialog&apos;s minimum width, in average characters of its font. The banned list&apos;s height at most, in lines: the member table gets the rest. The ``kind`` of banRequested and unbanRequested.</extracomment>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>People in this room</source>
        <extracomment>The dialogs open now (None once closed: they delete themselves).</extracomment>
        <translation>Personen in diesem Raum</translation>
    </message>
    <message>
        <source>Each member&apos;s address, when they joined, round trip, unsent bytes and messages; select one to kick or ban them, or press Delete to kick</source>
        <translation>Adresse, Beitritt, Umlaufzeit, ungesendete Bytes und Nachrichten jedes Mitglieds; wählen Sie eines aus, um es zu entfernen oder zu sperren, oder drücken Sie Entf zum Entfernen</translation>
    </message>
    <message>
        <source>Kick…</source>
        <translation>Entfernen …</translation>
    </message>
    <message>
        <source>Kick</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove the selected member, with a reason they read (Delete in the table)</source>
        <translation>Das ausgewählte Mitglied entfernen, mit einem Grund, den es liest (Entf in der Tabelle)</translation>
    </message>
    <message>
        <source>Ban…</source>
        <translation>Sperren …</translation>
    </message>
    <message>
        <source>Ban</source>
        <translation>Sperren</translation>
    </message>
    <message>
        <source>Keep the selected member&apos;s name or address out until you stop hosting</source>
        <translation>Name oder Adresse des ausgewählten Mitglieds aussperren, bis Sie das Hosten beenden</translation>
    </message>
    <message>
        <source>Room &amp;password…</source>
        <translation>Raum&amp;passwort …</translation>
    </message>
    <message>
        <source>Room password</source>
        <translation>Raumpasswort</translation>
    </message>
    <message>
        <source>Set, change or clear the password people need to join</source>
        <translation>Das Passwort zum Beitreten setzen, ändern oder entfernen</translation>
    </message>
    <message>
        <source>Banned</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>Names and addresses kept out until you stop hosting</source>
        <translation>Namen und Adressen, die ausgesperrt sind, bis Sie das Hosten beenden</translation>
    </message>
    <message>
        <source>Unban</source>
        <translation>Entsperren</translation>
    </message>
    <message>
        <source>Let the selected name or address join again</source>
        <translation>Den ausgewählten Namen oder die Adresse wieder beitreten lassen</translation>
    </message>
    <message>
        <source>Name: {name}</source>
        <translation>Name: {name}</translation>
    </message>
    <message>
        <source>Address: {address}</source>
        <translation>Adresse: {address}</translation>
    </message>
    <message>
        <source>Banned until you stop hosting:</source>
        <translation>Gesperrt, bis Sie das Hosten beenden:</translation>
    </message>
    <message>
        <source>Nobody is banned.</source>
        <translation>Niemand ist gesperrt.</translation>
    </message>
    <message>
        <source>Password: on</source>
        <translation>Passwort: an</translation>
    </message>
    <message>
        <source>Password: off</source>
        <translation>Passwort: aus</translation>
    </message>
    <message>
        <source>People who join need the room&apos;s password</source>
        <translation>Wer beitritt, braucht das Passwort des Raums</translation>
    </message>
    <message>
        <source>Anyone who can reach the room can join</source>
        <translation>Alle, die den Raum erreichen, können beitreten</translation>
    </message>
    <message>
        <source>&amp;Kick…</source>
        <translation>&amp;Entfernen …</translation>
    </message>
    <message>
        <source>Ban &amp;name</source>
        <translation>&amp;Namen sperren</translation>
    </message>
    <message>
        <source>Ban &amp;address</source>
        <translation>&amp;Adresse sperren</translation>
    </message>
    <message>
        <source>&amp;Copy address</source>
        <translation>Adresse &amp;kopieren</translation>
    </message>
    <message>
        <source>People in {rooms} rooms ({count})</source>
        <translation>Personen in {rooms} Räumen ({count})</translation>
    </message>
    <message>
        <source>People in this room ({count})</source>
        <translation>Personen in diesem Raum ({count})</translation>
    </message>
    <message>
        <source>You cannot remove yourself from the room you host</source>
        <translation>Sie können sich nicht aus dem Raum entfernen, den Sie hosten</translation>
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
        <extracomment>Rows that are frames as they travelled: monospaced, with the gutter.</extracomment>
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
        <extracomment>The height of each decoration code, beyond the text&apos;s lines. A frame row&apos;s gutter: &quot;↓ 14:03:07.123 1023 KiB&quot; and a gap, in mono. Few texts average under this many pixels a character.</extracomment>
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
        <source>control frame</source>
        <translation>Kontroll-Frame</translation>
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
    <name>NetworkRoomsDialog</name>
    <message>
        <source>Rooms on your network</source>
        <extracomment>Seconds of finding nothing after which &quot;looking&quot; becomes &quot;nothing found yet&quot;. The lock&apos;s size in pixels. The DiscoveredRoom to join.</extracomment>
        <translation>Räume in Ihrem Netzwerk</translation>
    </message>
    <message>
        <source>Rooms hosted with Roomcast on this network, found by themselves; pick one and press Join</source>
        <translation>Mit Roomcast gehostete Räume in diesem Netzwerk, von selbst gefunden; wählen Sie einen und drücken Sie Beitreten</translation>
    </message>
    <message>
        <source>Rooms found</source>
        <translation>Gefundene Räume</translation>
    </message>
    <message>
        <source>Enter or a double click joins the selected room</source>
        <translation>Eingabe oder ein Doppelklick betritt den ausgewählten Raum</translation>
    </message>
    <message>
        <source>Search status</source>
        <translation>Stand der Suche</translation>
    </message>
    <message>
        <source>Whether rooms were found on this network</source>
        <translation>Ob in diesem Netzwerk Räume gefunden wurden</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Why rooms cannot be looked for</source>
        <translation>Warum nicht nach Räumen gesucht werden kann</translation>
    </message>
    <message>
        <source>&amp;Join</source>
        <translation>&amp;Beitreten</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>Beitreten</translation>
    </message>
    <message>
        <source>Join the selected room, trusting the certificate it announces</source>
        <translation>Dem ausgewählten Raum beitreten und dem angekündigten Zertifikat vertrauen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Close this list; rooms can be joined later</source>
        <translation>Diese Liste schließen; Räume lassen sich später betreten</translation>
    </message>
    <message>
        <source>Looking for rooms on this network…</source>
        <translation>Suche nach Räumen in diesem Netzwerk …</translation>
    </message>
    <message>
        <source>No rooms found yet. Rooms hosted with Roomcast on this network appear here by themselves.</source>
        <translation>Noch keine Räume gefunden. Mit Roomcast gehostete Räume in diesem Netzwerk erscheinen hier von selbst.</translation>
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
    <name>PasswordDialog</name>
    <message>
        <source>Room password</source>
        <translation>Raumpasswort</translation>
    </message>
    <message>
        <source>The room has a password.</source>
        <translation>Der Raum hat ein Passwort.</translation>
    </message>
    <message>
        <source>The room has no password: anyone who can reach it can join.</source>
        <translation>Der Raum hat kein Passwort: alle, die ihn erreichen, können beitreten.</translation>
    </message>
    <message>
        <source>Members already in the room stay. Everyone who joins from now on needs the password, reconnecting members included. Invites never carry it: tell it to people yourself.</source>
        <translation>Mitglieder, die schon im Raum sind, bleiben. Alle, die ab jetzt beitreten, brauchen das Passwort, auch Mitglieder, die sich neu verbinden. Einladungen enthalten es nie: sagen Sie es den Leuten selbst.</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Neues Passwort</translation>
    </message>
    <message>
        <source>The password people must give to join from now on</source>
        <translation>Das Passwort, das ab jetzt zum Beitreten nötig ist</translation>
    </message>
    <message>
        <source>Confirm the password</source>
        <translation>Passwort bestätigen</translation>
    </message>
    <message>
        <source>The same password again, to catch a typing mistake</source>
        <translation>Dasselbe Passwort noch einmal, um Tippfehler zu erkennen</translation>
    </message>
    <message>
        <source>&amp;New password:</source>
        <translation>&amp;Neues Passwort:</translation>
    </message>
    <message>
        <source>Con&amp;firm:</source>
        <translation>&amp;Bestätigen:</translation>
    </message>
    <message>
        <source>&amp;Show the password</source>
        <translation>Passwort &amp;zeigen</translation>
    </message>
    <message>
        <source>Show the password</source>
        <translation>Passwort zeigen</translation>
    </message>
    <message>
        <source>Show what is typed in both password fields</source>
        <translation>Zeigen, was in beiden Passwortfeldern steht</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>Die beiden Passwörter unterscheiden sich.</translation>
    </message>
    <message>
        <source>Change &amp;password</source>
        <translation>&amp;Passwort ändern</translation>
    </message>
    <message>
        <source>Change password</source>
        <translation>Passwort ändern</translation>
    </message>
    <message>
        <source>Set &amp;password</source>
        <translation>&amp;Passwort setzen</translation>
    </message>
    <message>
        <source>Set password</source>
        <translation>Passwort setzen</translation>
    </message>
    <message>
        <source>Require this password from everyone who joins from now on</source>
        <translation>Dieses Passwort ab jetzt von allen verlangen, die beitreten</translation>
    </message>
    <message>
        <source>C&amp;lear password</source>
        <translation>Passwort &amp;entfernen</translation>
    </message>
    <message>
        <source>Clear password</source>
        <translation>Passwort entfernen</translation>
    </message>
    <message>
        <source>Open the room: anyone who can reach it can join without a password</source>
        <translation>Den Raum öffnen: alle, die ihn erreichen, können ohne Passwort beitreten</translation>
    </message>
    <message>
        <source>Close and keep the password as it is</source>
        <translation>Schließen und das Passwort unverändert lassen</translation>
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
        <extracomment>Our frames are small; the server&apos;s are at most 256 KiB (PROTOCOL.md, Transport, Size), history pages included. 1 MiB leaves room for foreign ones. Seconds to wait for the closing handshake before dropping the TCP connection. Attempts (with backoff between them) after which a client that has not been CONNECTED since start() gives up: a mistyped address is not retried forever. One that was connected keeps reconnecting, however long the server is away. Seconds a connection that offered no subprotocol waits for a Roomcast server&apos;s unprompted ``welcome`` (PROTOCOL.md, Joining) before it is taken for a foreign server. Roomcast sends it right after the handshake. Seconds the ``GET /healthz`` that asks an unknown server at ``/`` whether it is a Roomcast server may take (RoomClient._probe). The most of its answer that is read. The SHA-256 fingerprint of a certificate this computer does not trust, which the person may pin (:meth:`RoomClient.trust`) to connect. Do not reconnect (PROTOCOL.md, Close codes: 1008; error code unauthorized). Reconnect at once, without the backoff wait (Close codes: 1012). The fingerprint of an untrusted certificate (see Status.untrusted). A connection that stayed up this long resets the attempt count. Shows a marked text in the user&apos;s language: ``desktop/i18n.py`` sets it to ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py). OpenSSL&apos;s reasons for a peer whose first bytes are not a TLS record: a plain HTTP (ws://) server answering the ClientHello.</extracomment>
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
        <extracomment>Control characters other than tab and line breaks: UTF-8-valid bytes with these are data (a length prefix, a protobuf), not text. Set per client by :meth:`RoomClient._connection_class`. Complete data messages received (by the protocol) and shown (by us). Report ping, pong and close frames to ``on_control`` (the window&apos;s &quot;Show control frames&quot;); off, they are not even copied. Headers, subprotocols, query, TLS and timeouts; read at each attempt. Pinned certificates (desktop/tls.py), shared by the window&apos;s clients.</extracomment>
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
        <source>the connection closed before it was sent</source>
        <translation>die Verbindung wurde vor dem Senden geschlossen</translation>
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
    <name>Rows</name>
    <message>
        <source>(JSON nested too deeply to show here; Copy raw has the frame)</source>
        <extracomment>A ping, pong or close frame (RFC 6455, 5.5), recorded only while the window&apos;s &quot;Show control frames&quot; is on: ``opcode`` says which, ``raw`` holds the payload (for a close: the 2-byte code and the UTF-8 reason). The text is a slice of the raw frame (its UTF-8 bytes ``[start, start + length)``). The text is ``binary_summary(raw)`` (made when asked for). ``_raw`` holds the UTF-8 bytes of a *text* frame (``raw`` decodes them). The id is a slice of the raw frame too (start, then length: ids are short). Who sent a chat row (None: not a chat row, or our own before the welcome). The server&apos;s number of a chat row (PROTOCOL.md, seq), once it has one. A JSON object or array whose one-line form fits in this many characters (its indentation included) is shown on one line: ``{&quot;price&quot;: 101.25, &quot;size&quot;: 300}`` is one row of an order book, not four lines. Only containers with at most this many entries are tried on one line (bounds the cost: each try serializes the container once). Shows a marked text in the user&apos;s language: ``desktop/i18n.py`` sets it to ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py). What :func:`pretty_json` shows for a value nested deeper than it can walk (the frame itself is kept: Copy raw has it).</extracomment>
        <translation>(JSON zu tief verschachtelt, um es hier zu zeigen; „Roh kopieren“ enthält den Frame)</translation>
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
        <extracomment>Secret header values are never here: those headers have an empty value (:meth:`SavedConnections.options` fills them in from the keyring). The headers whose values are in the keyring; set by the store, like has_password.</extracomment>
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
        <source>the saved header values could not be read. Type them in the connection options</source>
        <translation>die gespeicherten Header-Werte konnten nicht gelesen werden. Geben Sie sie in den Verbindungsoptionen ein</translation>
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
        <source>the connection was deleted, but its secret header values could not be removed from it</source>
        <translation>die Verbindung wurde gelöscht, aber ihre geheimen Header-Werte konnten nicht daraus entfernt werden</translation>
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
        <source>the headers with secret values ({names}) were not saved. Add them in the connection options when you connect</source>
        <translation>die Header mit geheimen Werten ({names}) wurden nicht gespeichert. Fügen Sie sie beim Verbinden in den Verbindungsoptionen hinzu</translation>
    </message>
    <message>
        <source>the secret header values could not be moved to the new name and were not kept</source>
        <translation>die geheimen Header-Werte konnten nicht auf den neuen Namen übertragen werden und wurden nicht behalten</translation>
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
        <extracomment>Item data: the saved connection&apos;s name. The ConnectionOptions for the connectRequested emitted right after it.</extracomment>
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
        <source>Op&amp;tions</source>
        <translation>Op&amp;tionen</translation>
    </message>
    <message>
        <source>Connection options</source>
        <translation>Verbindungsoptionen</translation>
    </message>
    <message>
        <source>Show or hide headers, subprotocols, query parameters, TLS trust and timeouts</source>
        <translation>Header, Subprotokolle, Query-Parameter, TLS-Vertrauen und Timeouts zeigen oder verbergen</translation>
    </message>
    <message>
        <source>Options in use</source>
        <translation>Verwendete Optionen</translation>
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
    <message numerus="yes">
        <source>%n header(s)</source>
        <translation>
            <numerusform>%n Header</numerusform>
            <numerusform>%n Header</numerusform>
        </translation>
    </message>
    <message>
        <source>no subprotocol</source>
        <translation>kein Subprotokoll</translation>
    </message>
    <message>
        <source>subprotocols</source>
        <translation>Subprotokolle</translation>
    </message>
    <message numerus="yes">
        <source>%n query parameter(s)</source>
        <translation>
            <numerusform>%n Query-Parameter</numerusform>
            <numerusform>%n Query-Parameter</numerusform>
        </translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>CA-Datei</translation>
    </message>
    <message>
        <source>defaults</source>
        <translation>Standardwerte</translation>
    </message>
</context>
<context>
    <name>SavedMessageDialog</name>
    <message>
        <source>Edit saved message</source>
        <translation>Gespeicherte Nachricht bearbeiten</translation>
    </message>
    <message>
        <source>Save message</source>
        <translation>Nachricht speichern</translation>
    </message>
    <message>
        <source>Name a message to send again with a click or a shortcut</source>
        <translation>Einer Nachricht einen Namen geben, um sie mit einem Klick oder einem Tastenkürzel erneut zu senden</translation>
    </message>
    <message>
        <source>e.g. Subscribe to trades</source>
        <translation>z. B. Trades abonnieren</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>1 to 64 characters, unique among this room&apos;s or all rooms&apos; saved messages</source>
        <translation>1 bis 64 Zeichen, eindeutig unter den gespeicherten Nachrichten dieses Raums bzw. aller Räume</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>The text as the message field would hold it</source>
        <translation>Der Text, wie ihn das Nachrichtenfeld enthalten würde</translation>
    </message>
    <message>
        <source>&amp;This room only</source>
        <translation>Nur dieser &amp;Raum</translation>
    </message>
    <message>
        <source>This room only</source>
        <translation>Nur dieser Raum</translation>
    </message>
    <message>
        <source>Offer this message in this room only</source>
        <translation>Diese Nachricht nur in diesem Raum anbieten</translation>
    </message>
    <message>
        <source>Not available: no room is open</source>
        <translation>Nicht verfügbar: Es ist kein Raum geöffnet</translation>
    </message>
    <message>
        <source>A&amp;ll rooms</source>
        <translation>&amp;Alle Räume</translation>
    </message>
    <message>
        <source>All rooms</source>
        <translation>Alle Räume</translation>
    </message>
    <message>
        <source>Offer this message in every room</source>
        <translation>Diese Nachricht in jedem Raum anbieten</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
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
        <source>Keep this message under its name</source>
        <translation>Diese Nachricht unter ihrem Namen aufbewahren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Close without saving</source>
        <translation>Schließen, ohne zu speichern</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Message:</source>
        <translation>Na&amp;chricht:</translation>
    </message>
</context>
<context>
    <name>SavedMessages</name>
    <message>
        <source>A saved message needs a name.</source>
        <extracomment>A Roomcast server&apos;s frame limit (PROTOCOL.md, Transport, Size). All payloads together: the settings file stays small enough to rewrite often. A room key is an address and a room name; anything longer is not one. How much of a payload&apos;s first line a list shows. Shows a marked text in the user&apos;s language: ``desktop/i18n.py`` sets it to ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py).</extracomment>
        <translation>Eine gespeicherte Nachricht braucht einen Namen.</translation>
    </message>
    <message>
        <source>A saved message&apos;s name has at most {limit} characters (this one has {count}).</source>
        <translation>Der Name einer gespeicherten Nachricht hat höchstens {limit} Zeichen (dieser hat {count}).</translation>
    </message>
    <message>
        <source>A saved message&apos;s name can&apos;t contain control characters.</source>
        <translation>Der Name einer gespeicherten Nachricht darf keine Steuerzeichen enthalten.</translation>
    </message>
    <message>
        <source>There is nothing to save: the text is empty.</source>
        <translation>Es gibt nichts zu speichern: Der Text ist leer.</translation>
    </message>
    <message>
        <source>A saved message holds at most {limit} (this one is {size}).</source>
        <translation>Eine gespeicherte Nachricht fasst höchstens {limit} (diese hat {size}).</translation>
    </message>
    <message>
        <source>There is no saved message named {name!r}.</source>
        <extracomment>Called after every change (the owner&apos;s: save the settings).</extracomment>
        <translation>Es gibt keine gespeicherte Nachricht namens {name!r}.</translation>
    </message>
    <message>
        <source>A saved message named {name!r} already exists here.</source>
        <translation>Eine gespeicherte Nachricht namens {name!r} gibt es hier bereits.</translation>
    </message>
    <message>
        <source>At most {limit} messages can be saved: remove one to save another.</source>
        <translation>Es können höchstens {limit} Nachrichten gespeichert werden: Entfernen Sie eine, um eine weitere zu speichern.</translation>
    </message>
    <message>
        <source>Saved messages hold at most {limit} together: remove some to save this one.</source>
        <translation>Gespeicherte Nachrichten fassen zusammen höchstens {limit}: Entfernen Sie einige, um diese zu speichern.</translation>
    </message>
    <message>
        <source>The settings file {path} could not be written: the saved messages may be lost.</source>
        <extracomment>The QSettings array the saved messages are stored in.</extracomment>
        <translation>Die Einstellungsdatei {path} konnte nicht geschrieben werden: Die gespeicherten Nachrichten gehen möglicherweise verloren.</translation>
    </message>
</context>
<context>
    <name>SavedMessagesModel</name>
    <message>
        <source>{name} ({shortcut})</source>
        <extracomment>The first rows have a shortcut to send them: Ctrl+1 … Ctrl+9. How much of the payload a tooltip shows.</extracomment>
        <translation>{name} ({shortcut})</translation>
    </message>
    <message>
        <source>all rooms</source>
        <translation>alle Räume</translation>
    </message>
    <message>
        <source>this room</source>
        <translation>dieser Raum</translation>
    </message>
    <message>
        <source>{mode} · {where} · {preview}</source>
        <translation>{mode} · {where} · {preview}</translation>
    </message>
</context>
<context>
    <name>SavedMessagesPanel</name>
    <message>
        <source>Saved messages</source>
        <extracomment>The dialog open (saving or editing), if any.</extracomment>
        <translation>Gespeicherte Nachrichten</translation>
    </message>
    <message>
        <source>Enter or a double click sends the selected message; Ctrl+1 to Ctrl+9 send the first nine; Alt+Up and Alt+Down move it</source>
        <translation>Eingabetaste oder Doppelklick sendet die ausgewählte Nachricht; Strg+1 bis Strg+9 senden die ersten neun; Alt+Hoch und Alt+Runter verschieben sie</translation>
    </message>
    <message>
        <source>Saved messa&amp;ges</source>
        <translation>&amp;Gespeicherte Nachrichten</translation>
    </message>
    <message>
        <source>No saved messages yet: type one and press Save current…</source>
        <translation>Noch keine gespeicherten Nachrichten: Geben Sie eine ein und klicken Sie auf „Aktuelle speichern …“</translation>
    </message>
    <message>
        <source>No saved messages</source>
        <translation>Keine gespeicherten Nachrichten</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Send the selected message (Enter in the list)</source>
        <translation>Die ausgewählte Nachricht senden (Eingabetaste in der Liste)</translation>
    </message>
    <message>
        <source>Save current…</source>
        <translation>Aktuelle speichern …</translation>
    </message>
    <message>
        <source>Save current</source>
        <translation>Aktuelle speichern</translation>
    </message>
    <message>
        <source>Save what the message field holds, with its send mode, under a name</source>
        <translation>Den Inhalt des Nachrichtenfelds mit seinem Sendemodus unter einem Namen speichern</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Bearbeiten …</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>Change the selected message&apos;s name, text, mode or rooms</source>
        <translation>Name, Text, Modus oder Räume der ausgewählten Nachricht ändern</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Forget the selected message</source>
        <translation>Die ausgewählte Nachricht vergessen</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <source>Move the selected message up (Alt+Up in the list)</source>
        <translation>Die ausgewählte Nachricht nach oben verschieben (Alt+Hoch in der Liste)</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Runter</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Nach unten</translation>
    </message>
    <message>
        <source>Move the selected message down (Alt+Down in the list)</source>
        <translation>Die ausgewählte Nachricht nach unten verschieben (Alt+Runter in der Liste)</translation>
    </message>
    <message>
        <source>Send saved message {number}</source>
        <extracomment>Ctrl+1 … Ctrl+9: send the first nine messages of the scope. They work while the panel is shown; the window may add them to a menu.</extracomment>
        <translation>Gespeicherte Nachricht {number} senden</translation>
    </message>
    <message>
        <source>Send “{name}”</source>
        <translation>„{name}“ senden</translation>
    </message>
</context>
<context>
    <name>SendModeSelector</name>
    <message>
        <source>Chat: a chat message; a Roomcast server gets a Roomcast message, others {&quot;type&quot;:&quot;message&quot;,&quot;content&quot;:…}</source>
        <extracomment>What each mode sends, exactly (its tooltip).</extracomment>
        <translation>Chat: eine Chatnachricht; ein Roomcast-Server erhält eine Roomcast-Nachricht, andere {&quot;type&quot;:&quot;message&quot;,&quot;content&quot;:…}</translation>
    </message>
    <message>
        <source>Text: one text frame, exactly as typed</source>
        <translation>Text: ein Text-Frame, genau wie eingegeben</translation>
    </message>
    <message>
        <source>JSON: one text frame, exactly as typed, once it parses as JSON</source>
        <translation>JSON: ein Text-Frame, genau wie eingegeben, sobald er gültiges JSON ist</translation>
    </message>
    <message>
        <source>Binary: one binary frame of the bytes given as hex, base64 or a file</source>
        <translation>Binär: ein Binär-Frame aus den Bytes, angegeben als Hex, Base64 oder Datei</translation>
    </message>
    <message>
        <source>Hex: two digits a byte; spaces, colons, commas and 0x are allowed (de ad be ef, 0xde,0xad)</source>
        <extracomment>How bytes are given in each binary format (its tooltip); {limit}: the file limit.</extracomment>
        <translation>Hex: zwei Ziffern pro Byte; Leerzeichen, Doppelpunkte, Kommas und 0x sind erlaubt (de ad be ef, 0xde,0xad)</translation>
    </message>
    <message>
        <source>Base64: standard or URL-safe alphabet; padding optional, spaces ignored</source>
        <translation>Base64: Standard- oder URL-sicheres Alphabet; Padding optional, Leerzeichen werden ignoriert</translation>
    </message>
    <message>
        <source>File: the text is a file&apos;s path; its bytes are sent (up to {limit})</source>
        <translation>Datei: Der Text ist der Pfad einer Datei; ihre Bytes werden gesendet (bis {limit})</translation>
    </message>
    <message>
        <source>Message — Enter sends, Shift+Enter adds a line</source>
        <extracomment>The composer&apos;s placeholder in each mode; Binary&apos;s depends on the format.</extracomment>
        <translation>Nachricht – Eingabetaste sendet, Umschalt+Eingabe fügt eine Zeile hinzu</translation>
    </message>
    <message>
        <source>Text frame — Enter sends it exactly as typed</source>
        <translation>Text-Frame – Eingabetaste sendet ihn genau wie eingegeben</translation>
    </message>
    <message>
        <source>JSON frame — Enter sends it as typed, once it parses</source>
        <translation>JSON-Frame – Eingabetaste sendet ihn wie eingegeben, sobald er gültig ist</translation>
    </message>
    <message>
        <source>Base64, e.g. 3q2+7w== — Enter sends the bytes as one binary frame</source>
        <translation>Base64, z. B. 3q2+7w== – Eingabetaste sendet die Bytes als einen Binär-Frame</translation>
    </message>
    <message>
        <source>Path of a file (up to {limit}) — Enter sends its bytes as one binary frame</source>
        <translation>Pfad einer Datei (bis {limit}) – Eingabetaste sendet ihre Bytes als einen Binär-Frame</translation>
    </message>
    <message>
        <source>Hex, e.g. de ad be ef — Enter sends the bytes as one binary frame</source>
        <translation>Hex, z. B. de ad be ef – Eingabetaste sendet die Bytes als einen Binär-Frame</translation>
    </message>
    <message>
        <source>Send &amp;as:</source>
        <translation>Sen&amp;den als:</translation>
    </message>
    <message>
        <source>Send mode</source>
        <translation>Sendemodus</translation>
    </message>
    <message>
        <source>Binary format</source>
        <translation>Binärformat</translation>
    </message>
    <message>
        <source>Choose f&amp;ile…</source>
        <translation>Datei &amp;wählen …</translation>
    </message>
    <message>
        <source>Choose file</source>
        <translation>Datei wählen</translation>
    </message>
    <message>
        <source>Pick the file whose bytes are sent; its path goes into the message field</source>
        <translation>Die Datei wählen, deren Bytes gesendet werden; ihr Pfad kommt ins Nachrichtenfeld</translation>
    </message>
    <message>
        <source>Choose the file to send</source>
        <extracomment>The open file dialog (None until &quot;Choose file…&quot; is pressed).</extracomment>
        <translation>Die zu sendende Datei wählen</translation>
    </message>
</context>
<context>
    <name>Sending</name>
    <message>
        <source>Chat</source>
        <extracomment>The largest frame the composer sends; the client&apos;s frame limit (desktop/client.py, MAX_INCOMING_BYTES). Defined here, not imported, so that the client can import this module. A file sent as one binary frame fits in one frame. Shows a marked text in the user&apos;s language: ``desktop/i18n.py`` sets it to ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py).</extracomment>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Binary</source>
        <translation>Binär</translation>
    </message>
    <message>
        <source>Hex</source>
        <translation>Hex</translation>
    </message>
    <message>
        <source>Base64</source>
        <translation>Base64</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Binary ({format})</source>
        <translation>Binär ({format})</translation>
    </message>
    <message>
        <source>1 byte</source>
        <translation>1 Byte</translation>
    </message>
    <message>
        <source>{count} bytes</source>
        <translation>{count} Bytes</translation>
    </message>
    <message>
        <source>{count} KiB</source>
        <translation>{count} KiB</translation>
    </message>
    <message>
        <source>{count} MiB</source>
        <translation>{count} MiB</translation>
    </message>
    <message>
        <source>more than {limit}</source>
        <translation>mehr als {limit}</translation>
    </message>
    <message>
        <source>The message is empty; nothing was sent</source>
        <translation>Die Nachricht ist leer; es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>The frame is empty; nothing was sent</source>
        <translation>Der Frame ist leer; es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>The file is empty; nothing was sent</source>
        <translation>Die Datei ist leer; es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>No bytes to send: type base64, e.g. 3q2+7w==; nothing was sent</source>
        <translation>Keine Bytes zu senden: Geben Sie Base64 ein, z. B. 3q2+7w==; es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>No bytes to send: type hex, e.g. de ad be ef; nothing was sent</source>
        <translation>Keine Bytes zu senden: Geben Sie Hex ein, z. B. de ad be ef; es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>The frame is {size}: frames up to {limit} can be sent; nothing was sent</source>
        <translation>Der Frame ist {size} groß: Frames bis {limit} können gesendet werden; es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>Not valid text: a broken character at character {position}; nothing was sent</source>
        <translation>Kein gültiger Text: ein defektes Zeichen bei Zeichen {position}; es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>Not valid JSON: {error} (line {line}, column {column}); nothing was sent</source>
        <translation>Kein gültiges JSON: {error} (Zeile {line}, Spalte {column}); es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>Not valid JSON: {constant} is not a JSON value (line {line}, column {column}); nothing was sent</source>
        <translation>Kein gültiges JSON: {constant} ist kein JSON-Wert (Zeile {line}, Spalte {column}); es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>Not hex: {text!r} at character {position}; nothing was sent</source>
        <translation>Kein Hex: {text!r} bei Zeichen {position}; es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>Not hex: {text!r} at character {position} has no digits; nothing was sent</source>
        <translation>Kein Hex: {text!r} bei Zeichen {position} hat keine Ziffern; es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>Not hex: {text!r} at character {position} has an odd number of digits (bytes are two digits each); nothing was sent</source>
        <translation>Kein Hex: {text!r} bei Zeichen {position} hat eine ungerade Anzahl Ziffern (jedes Byte hat zwei Ziffern); es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>Not base64: {text!r} at character {position}; nothing was sent</source>
        <translation>Kein Base64: {text!r} bei Zeichen {position}; es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>Not base64: {count} characters can&apos;t be whole bytes (one is missing or one too many); nothing was sent</source>
        <translation>Kein Base64: {count} Zeichen ergeben keine ganzen Bytes (eines fehlt oder eines ist zu viel); es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>Not base64: wrong &apos;=&apos; padding at character {position}; nothing was sent</source>
        <translation>Kein Base64: falsches „=“-Padding bei Zeichen {position}; es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>Not base64: {error}; nothing was sent</source>
        <translation>Kein Base64: {error}; es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>Choose a file to send: type its path or use Choose file…</source>
        <translation>Wählen Sie eine Datei zum Senden: Geben Sie ihren Pfad ein oder verwenden Sie „Datei wählen …“</translation>
    </message>
    <message>
        <source>Could not read {path}: {reason}; nothing was sent</source>
        <translation>{path} konnte nicht gelesen werden: {reason}; es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>{path} is {size}: frames up to {limit} can be sent; nothing was sent</source>
        <translation>{path} ist {size} groß: Frames bis {limit} können gesendet werden; es wurde nichts gesendet</translation>
    </message>
</context>
<context>
    <name>SessionViewer</name>
    <message>
        <source>Find…</source>
        <extracomment>The progress bar&apos;s steps (per mille of the file): its range is an int, and a file may be larger than 2 GiB. Reading ended: every row is shown, or (Cancel) the rows read until then. The file turned out to be damaged partway: the error, for the window that opened it to report. The viewer closes itself. How many rows the file says it holds.</extracomment>
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
        <source>Reading the saved session</source>
        <translation>Die gespeicherte Sitzung wird gelesen</translation>
    </message>
    <message>
        <source>Stop reading</source>
        <translation>Lesen beenden</translation>
    </message>
    <message>
        <source>reading {count} of {total} rows…</source>
        <translation>{count} von {total} Zeilen gelesen…</translation>
    </message>
    <message>
        <source>{count} of {total} rows (reading stopped)</source>
        <translation>{count} von {total} Zeilen (Lesen beendet)</translation>
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
        <extracomment>Shows a marked text in the user&apos;s language: ``desktop/i18n.py`` sets it to ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py). The one system row a reset leaves (PROTOCOL.md, Epochs).</extracomment>
        <translation>Der Verlauf des Servers wurde zurückgesetzt; angezeigt wird, was er jetzt hat</translation>
    </message>
</context>
<context>
    <name>Tls</name>
    <message>
        <source>The certificate of {where} has changed! Pinned SHA-256 {expected}, now {got}. This can mean someone is intercepting the connection. If the server got a new certificate on purpose, trust the new one in the connection options.</source>
        <extracomment>Seconds to wait for the server&apos;s close_notify after reading its certificate. SHA-256 is 32 bytes. Prefixes a pasted fingerprint may carry (lower case, longest first). Shows a marked text in the user&apos;s language: ``desktop/i18n.py`` sets it to ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py).</extracomment>
        <translation>Das Zertifikat von {where} hat sich geändert! Gepinnt war SHA-256 {expected}, jetzt {got}. Das kann bedeuten, dass jemand die Verbindung abfängt. Hat der Server absichtlich ein neues Zertifikat bekommen, vertrauen Sie dem neuen in den Verbindungsoptionen.</translation>
    </message>
    <message>
        <source>{where} presents a certificate this computer does not trust ({reason}). SHA-256 fingerprint: {got}. Compare it with the one the server&apos;s operator gives you, then trust it to connect.</source>
        <translation>{where} legt ein Zertifikat vor, dem dieser Computer nicht vertraut ({reason}). SHA-256-Fingerabdruck: {got}. Vergleichen Sie ihn mit dem, den Ihnen der Betreiber des Servers nennt, und vertrauen Sie dem Zertifikat dann, um zu verbinden.</translation>
    </message>
    <message>
        <source>{text!r} is not a SHA-256 fingerprint: it is 64 hexadecimal digits, like AB:CD:EF:…</source>
        <translation>{text!r} ist kein SHA-256-Fingerabdruck: Dieser besteht aus 64 Hexadezimalziffern, etwa AB:CD:EF:…</translation>
    </message>
    <message>
        <source>The CA file {path} holds no certificate that can be used (it must be PEM, -----BEGIN CERTIFICATE-----): {reason}.</source>
        <translation>Die CA-Datei {path} enthält kein verwendbares Zertifikat (sie muss PEM sein, -----BEGIN CERTIFICATE-----): {reason}.</translation>
    </message>
    <message>
        <source>The CA file {path} can&apos;t be read: {reason}.</source>
        <translation>Die CA-Datei {path} kann nicht gelesen werden: {reason}.</translation>
    </message>
</context>
<context>
    <name>_PairsEditor</name>
    <message>
        <source>Add header</source>
        <extracomment>Seconds shown with one decimal: 0.5 s steps are as fine as anyone needs.</extracomment>
        <translation>Header hinzufügen</translation>
    </message>
    <message>
        <source>Add parameter</source>
        <translation>Parameter hinzufügen</translation>
    </message>
    <message>
        <source>Add a row for an HTTP header sent with the WebSocket handshake</source>
        <translation>Eine Zeile für einen HTTP-Header hinzufügen, der mit dem WebSocket-Handshake gesendet wird</translation>
    </message>
    <message>
        <source>Add query parameter</source>
        <translation>Query-Parameter hinzufügen</translation>
    </message>
    <message>
        <source>Add a row for a parameter added to the address after ?</source>
        <translation>Eine Zeile für einen Parameter hinzufügen, der nach ? an die Adresse angehängt wird</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Name, e.g. Authorization</source>
        <translation>Name, z. B. Authorization</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>saved in the keyring — leave empty to keep it</source>
        <translation>im Schlüsselbund gespeichert – leer lassen, um ihn zu behalten</translation>
    </message>
    <message>
        <source>Header {n} name</source>
        <translation>Name von Header {n}</translation>
    </message>
    <message>
        <source>An HTTP header name, such as Authorization or Cookie</source>
        <translation>Ein HTTP-Header-Name wie Authorization oder Cookie</translation>
    </message>
    <message>
        <source>Header {n} value</source>
        <translation>Wert von Header {n}</translation>
    </message>
    <message>
        <source>The header&apos;s value; secret values are masked and kept in the system keyring</source>
        <translation>Der Wert des Headers; geheime Werte werden maskiert und im Systemschlüsselbund aufbewahrt</translation>
    </message>
    <message>
        <source>Remove header {n}</source>
        <translation>Header {n} entfernen</translation>
    </message>
    <message>
        <source>Remove this header</source>
        <translation>Diesen Header entfernen</translation>
    </message>
    <message>
        <source>Query parameter {n} name</source>
        <translation>Name von Query-Parameter {n}</translation>
    </message>
    <message>
        <source>The parameter&apos;s name, before the =</source>
        <translation>Der Name des Parameters, vor dem =</translation>
    </message>
    <message>
        <source>Query parameter {n} value</source>
        <translation>Wert von Query-Parameter {n}</translation>
    </message>
    <message>
        <source>The parameter&apos;s value, after the =; it is percent-encoded for you</source>
        <translation>Der Wert des Parameters, nach dem =; er wird automatisch prozentkodiert</translation>
    </message>
    <message>
        <source>Remove query parameter {n}</source>
        <translation>Query-Parameter {n} entfernen</translation>
    </message>
    <message>
        <source>Remove this query parameter</source>
        <translation>Diesen Query-Parameter entfernen</translation>
    </message>
</context>
</TS>
