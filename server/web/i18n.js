// Roomcast guest page: the page's words in the app's languages (English,
// German), chosen from navigator.languages. t(key, args) fills "{name}"
// placeholders; a key missing in German falls back to English, and a key
// missing in both shows itself (a bug worth seeing, not a blank).

const en = {
  title: "Roomcast",
  skip: "Skip to the composer",
  joinHeading: "Join the room {room}",
  nameLabel: "Your name",
  passwordLabel: "Room password",
  join: "Join",
  changeName: "Change name",
  reconnect: "Reconnect now",
  messagesLabel: "Messages",
  composerLabel: "Message",
  composerPlaceholder: "Write a message…",
  composerHint: "Enter sends, Shift+Enter starts a new line.",
  send: "Send",
  retry: "Retry",
  sending: "Sending…",
  failed: "Not sent: {error}",
  older: "Load older messages",
  loading: "Loading older messages…",
  beginning: "This is the beginning of the room's history.",
  members: "Members ({count})",
  membersHeading: "In this room",
  you: "{name} (you)",
  typing1: "{name} is typing…",
  typing2: "{first} and {second} are typing…",
  typingN: "{count} people are typing…",
  live: "{from}: {content}",
  joined: "{name} joined",
  left: "{name} left",
  // Status (PROTOCOL.md, Close codes)
  stConnecting: "Connecting…",
  stConnected: "Connected as {you}",
  stReconnectingIn: "Reconnecting in {s} s (attempt {n})",
  stReconnecting: "Reconnecting… (attempt {n})",
  stDisconnected: "Disconnected",
  stWhy: "{status} — {why}",
  closeLost: "Connection lost",
  closePolicy: "Refused by the server: {reason}",
  closePolicyBare: "Refused by the server: policy violation",
  closeNormal: "The server closed the connection: {reason}",
  closeNormalBare: "The server closed the connection",
  closeHostStopped: "The host stopped hosting",
  closeShutdown: "The server shut down ({reason})",
  closeShutdownBare: "The server shut down",
  closeRestart: "The server restarted the room; reconnecting at once",
  closeOverloaded: "Dropped by the server for falling behind; reconnecting",
  closeOther: "The server closed the connection (code {code}: {reason})",
  closeOtherBare: "The server closed the connection (code {code})",
  refused: "Refused by the server: {reason}",
  unreachable: "Could not reach the server. Is it running, and is this its address?",
  // Names (PROTOCOL.md, Names)
  nameLength: "A name has 1 to {max} characters.",
  nameSpaces: "A name cannot start or end with a space.",
  nameInvisible: "A name cannot contain control or invisible characters.",
  nameTaken: "Someone in this room already has that name. Choose another.",
  nameRefused: "The server refused that name: {reason}",
  wrongPassword: "Wrong password. Try again.",
  passwordRequired: "This room needs a password.",
  // Posting
  empty: "Write something first.",
  tooLong: "Too long: a message has at most {max} characters.",
  // Notices
  badFrame: "The server sent something that is not a Roomcast frame: {text}",
  truncated: "Some messages were missed while disconnected: the room no longer keeps them.",
  reset: "The room's history was reset. What follows is its history now.",
  errorLine: "Error from the server: {what} ({message})",
  // PROTOCOL.md, Error codes
  err_invalid_json: "not JSON",
  err_invalid_frame: "invalid frame",
  err_unknown_type: "unknown frame type",
  err_unsupported_data: "binary data is not supported",
  err_too_large: "too large",
  err_rate_limited: "too many messages, slow down",
  err_name_taken: "name taken",
  err_unauthorized: "not allowed",
  err_too_many: "a limit was reached",
  err_internal: "internal server error",
};

const de = {
  title: "Roomcast",
  skip: "Zum Eingabefeld springen",
  joinHeading: "Dem Raum {room} beitreten",
  nameLabel: "Dein Name",
  passwordLabel: "Raumpasswort",
  join: "Beitreten",
  changeName: "Name ändern",
  reconnect: "Jetzt verbinden",
  messagesLabel: "Nachrichten",
  composerLabel: "Nachricht",
  composerPlaceholder: "Nachricht schreiben…",
  composerHint: "Eingabetaste sendet, Umschalt+Eingabetaste beginnt eine neue Zeile.",
  send: "Senden",
  retry: "Erneut senden",
  sending: "Wird gesendet…",
  failed: "Nicht gesendet: {error}",
  older: "Ältere Nachrichten laden",
  loading: "Ältere Nachrichten werden geladen…",
  beginning: "Hier beginnt der Verlauf des Raums.",
  members: "Mitglieder ({count})",
  membersHeading: "In diesem Raum",
  you: "{name} (du)",
  typing1: "{name} schreibt…",
  typing2: "{first} und {second} schreiben…",
  typingN: "{count} Personen schreiben…",
  live: "{from}: {content}",
  joined: "{name} ist beigetreten",
  left: "{name} hat den Raum verlassen",
  stConnecting: "Verbinde…",
  stConnected: "Verbunden als {you}",
  stReconnectingIn: "Neuer Versuch in {s} s (Versuch {n})",
  stReconnecting: "Verbinde erneut… (Versuch {n})",
  stDisconnected: "Getrennt",
  stWhy: "{status} — {why}",
  closeLost: "Verbindung verloren",
  closePolicy: "Vom Server abgewiesen: {reason}",
  closePolicyBare: "Vom Server abgewiesen: Regelverstoß",
  closeNormal: "Der Server hat die Verbindung geschlossen: {reason}",
  closeNormalBare: "Der Server hat die Verbindung geschlossen",
  closeHostStopped: "Der Gastgeber hostet nicht mehr",
  closeShutdown: "Der Server wurde beendet ({reason})",
  closeShutdownBare: "Der Server wurde beendet",
  closeRestart: "Der Server hat den Raum neu gestartet; verbinde sofort neu",
  closeOverloaded: "Vom Server getrennt, weil die Verbindung nicht mithielt; verbinde neu",
  closeOther: "Der Server hat die Verbindung geschlossen (Code {code}: {reason})",
  closeOtherBare: "Der Server hat die Verbindung geschlossen (Code {code})",
  refused: "Vom Server abgewiesen: {reason}",
  unreachable: "Der Server ist nicht erreichbar. Läuft er, und ist das seine Adresse?",
  nameLength: "Ein Name hat 1 bis {max} Zeichen.",
  nameSpaces: "Ein Name darf nicht mit einem Leerzeichen beginnen oder enden.",
  nameInvisible: "Ein Name darf keine Steuer- oder unsichtbaren Zeichen enthalten.",
  nameTaken: "Jemand in diesem Raum hat diesen Namen schon. Wähle einen anderen.",
  nameRefused: "Der Server hat den Namen abgelehnt: {reason}",
  wrongPassword: "Falsches Passwort. Versuche es noch einmal.",
  passwordRequired: "Dieser Raum braucht ein Passwort.",
  empty: "Schreib zuerst etwas.",
  tooLong: "Zu lang: Eine Nachricht hat höchstens {max} Zeichen.",
  badFrame: "Der Server hat etwas gesendet, das kein Roomcast-Frame ist: {text}",
  truncated:
    "Während der Trennung wurden Nachrichten verpasst, die der Raum nicht mehr aufbewahrt.",
  reset: "Der Verlauf des Raums wurde zurückgesetzt. Was folgt, ist jetzt sein Verlauf.",
  errorLine: "Fehler vom Server: {what} ({message})",
  err_invalid_json: "kein JSON",
  err_invalid_frame: "ungültiger Frame",
  err_unknown_type: "unbekannter Frame-Typ",
  err_unsupported_data: "Binärdaten werden nicht unterstützt",
  err_too_large: "zu groß",
  err_rate_limited: "zu viele Nachrichten, bitte langsamer",
  err_name_taken: "Name vergeben",
  err_unauthorized: "nicht erlaubt",
  err_too_many: "ein Limit wurde erreicht",
  err_internal: "interner Serverfehler",
};

export const STRINGS = { en, de };

/** The first of the person's languages that we have; English otherwise. */
export function pickLanguage(languages) {
  for (const tag of languages || []) {
    const base = String(tag || "").toLowerCase().split("-")[0];
    if (base in STRINGS) return base;
  }
  return "en";
}

const nav = globalThis.navigator;
export const lang = pickLanguage(nav ? (nav.languages?.length ? nav.languages : [nav.language]) : []);

/** The text for `key` in the page's language, "{name}" replaced from args. */
export function t(key, args = {}, language = lang) {
  const text = STRINGS[language][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in args ? String(args[name]) : all));
}
