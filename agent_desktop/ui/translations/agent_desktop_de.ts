<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>About</name>
    <message>
        <source>{server} (protocol {version})</source>
        <translation>{server} (Protokoll {version})</translation>
    </message>
    <message>
        <source>About {app}</source>
        <translation>Über {app}</translation>
    </message>
    <message>
        <source>asking…</source>
        <translation>wird abgefragt…</translation>
    </message>
    <message>
        <source>no server set</source>
        <translation>kein Server eingestellt</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Protokolle</translation>
    </message>
    <message>
        <source>Crash logs</source>
        <translation>Absturzprotokolle</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>Protokollordner öffnen</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>Details kopieren</translation>
    </message>
    <message>
        <source>no answer from {url} within {seconds} s</source>
        <translation>keine Antwort von {url} innerhalb von {seconds} s</translation>
    </message>
    <message>
        <source>not reachable at {url} ({why})</source>
        <translation>nicht erreichbar unter {url} ({why})</translation>
    </message>
    <message>
        <source>{count}, newest {name}</source>
        <translation>{count}, neuestes {name}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>hard crashes recorded in {path}</source>
        <translation>harte Abstürze protokolliert in {path}</translation>
    </message>
    <message>
        <source>About {app}…</source>
        <translation>Über {app}…</translation>
    </message>
</context>
<context>
    <name>AlertBar</name>
    <message>
        <source>Penalty time left</source>
        <translation>Verbleibende Sperrzeit</translation>
    </message>
    <message>
        <source>Reconnect now</source>
        <translation>Jetzt neu verbinden</translation>
    </message>
    <message>
        <source>Show my sessions</source>
        <translation>Meine Sitzungen zeigen</translation>
    </message>
    <message>
        <source>Close a finished session to take new work</source>
        <translation>Schließen Sie eine erledigte Sitzung, um neue Arbeit anzunehmen</translation>
    </message>
    <message>
        <source>Set me Available</source>
        <translation>Mich auf Verfügbar setzen</translation>
    </message>
    <message>
        <source>Try to reach the server again now</source>
        <translation>Jetzt erneut versuchen, den Server zu erreichen</translation>
    </message>
    <message>
        <source>Set your presence to Available to get new work</source>
        <translation>Ihren Status auf Verfügbar setzen, um neue Arbeit zu erhalten</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Ausblenden</translation>
    </message>
    <message>
        <source>Hide this alert</source>
        <translation>Diesen Hinweis ausblenden</translation>
    </message>
    <message>
        <source>No new work for {time}</source>
        <translation>Keine neue Arbeit für {time}</translation>
    </message>
</context>
<context>
    <name>Announcer</name>
    <message>
        <source>Still waiting for your answer: {title}</source>
        <translation>Wartet noch auf Ihre Antwort: {title}</translation>
    </message>
</context>
<context>
    <name>AppWindow</name>
    <message>
        <source>Work</source>
        <translation>Arbeit</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Team-Übersicht</translation>
    </message>
    <message>
        <source>Presence history</source>
        <translation>Statusverlauf</translation>
    </message>
    <message>
        <source>Agent Desktop</source>
        <translation>Agent Desktop</translation>
    </message>
    <message>
        <source>Why?</source>
        <translation>Warum?</translation>
    </message>
    <message>
        <source>Why is my presence what it is? Show the presence history.</source>
        <translation>Warum habe ich diesen Status? Zeigt den Statusverlauf.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Open the settings: notifications, sound, language, server</source>
        <translation>Die Einstellungen öffnen: Benachrichtigungen, Ton, Sprache, Server</translation>
    </message>
    <message>
        <source>Incoming</source>
        <translation>Eingehend</translation>
    </message>
    <message>
        <source>Nothing waiting. Offers appear here and as desktop notifications.</source>
        <translation>Nichts wartet. Angebote erscheinen hier und als Desktop-Benachrichtigungen.</translation>
    </message>
    <message>
        <source>Offers, your sessions and alerts</source>
        <translation>Angebote, Ihre Sitzungen und Hinweise</translation>
    </message>
    <message>
        <source>Why your presence is what it is</source>
        <translation>Warum Ihr Status so ist, wie er ist</translation>
    </message>
    <message>
        <source>Agent Desktop — {name}</source>
        <translation>Agent Desktop — {name}</translation>
    </message>
    <message>
        <source>Your agents and their presence; reset a presence</source>
        <translation>Ihre Agenten und ihr Status; einen Status zurücksetzen</translation>
    </message>
</context>
<context>
    <name>Autostart</name>
    <message>
        <source>Start {app} when I log in</source>
        <translation>{app} bei der Anmeldung am Computer starten</translation>
    </message>
    <message>
        <source>Kept by the system at {where}</source>
        <translation>Vom System verwaltet unter {where}</translation>
    </message>
</context>
<context>
    <name>BookingCodes</name>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Booking</source>
        <translation>Buchung</translation>
    </message>
    <message>
        <source>Block all of booking</source>
        <translation>Ganze Buchung sperren</translation>
    </message>
    <message>
        <source>Block all for good</source>
        <translation>Alle endgültig sperren</translation>
    </message>
    <message>
        <source>Every link of this booking stops working for good. Press Block all for good to block them.</source>
        <translation>Jeder Link dieser Buchung funktioniert danach nie wieder. Drücken Sie „Alle endgültig sperren“, um sie zu sperren.</translation>
    </message>
    <message>
        <source>Sent in</source>
        <translation>Gesendet in</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Gültig bis</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>Earlier messages</source>
        <translation>Frühere Nachrichten</translation>
    </message>
    <message>
        <source>Booking codes</source>
        <translation>Buchungscodes</translation>
    </message>
    <message>
        <source>Every link sent to a customer carries a code of its own. Extend keeps it valid 7 more days, Expire ends it now, Block ends it for good.</source>
        <translation>Jeder Link an einen Kunden trägt seinen eigenen Code. „Verlängern“ hält ihn 7 weitere Tage gültig, „Ablaufen lassen“ beendet ihn sofort, „Sperren“ beendet ihn endgültig.</translation>
    </message>
    <message>
        <source>Select a code in the table to change it.</source>
        <translation>Wählen Sie einen Code in der Tabelle, um ihn zu ändern.</translation>
    </message>
    <message>
        <source>Extend 7 days</source>
        <translation>Um 7 Tage verlängern</translation>
    </message>
    <message>
        <source>Expire</source>
        <translation>Ablaufen lassen</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Sperren</translation>
    </message>
    <message>
        <source>Block for good</source>
        <translation>Endgültig sperren</translation>
    </message>
    <message>
        <source>A blocked code never works again. Press Block for good to block it.</source>
        <translation>Ein gesperrter Code funktioniert nie wieder. Drücken Sie „Endgültig sperren“, um ihn zu sperren.</translation>
    </message>
</context>
<context>
    <name>CustomerPages</name>
    <message>
        <source>Customer notifications</source>
        <translation>Kundenbenachrichtigungen</translation>
    </message>
    <message>
        <source>Booking codes</source>
        <translation>Buchungscodes</translation>
    </message>
    <message>
        <source>The messages sent to customers and their state</source>
        <translation>Die an Kunden gesendeten Nachrichten und ihr Stand</translation>
    </message>
    <message>
        <source>Customers&apos; booking portal codes</source>
        <translation>Die Codes der Kunden für das Buchungsportal</translation>
    </message>
</context>
<context>
    <name>Desktop</name>
    <message>
        <source>Enter your password to sign in.</source>
        <translation>Geben Sie Ihr Passwort ein, um sich anzumelden.</translation>
    </message>
    <message>
        <source>Sign in to start receiving work.</source>
        <translation>Melden Sie sich an, um Arbeit zu erhalten.</translation>
    </message>
    <message>
        <source>You signed out. Enter your password to sign in again.</source>
        <translation>Sie haben sich abgemeldet. Geben Sie Ihr Passwort ein, um sich wieder anzumelden.</translation>
    </message>
    <message>
        <source>Not signed in. Choose Agent Desktop ▸ Sign in… to sign in.</source>
        <translation>Nicht angemeldet. Wählen Sie Agent Desktop ▸ Anmelden…, um sich anzumelden.</translation>
    </message>
    <message>
        <source>Sign in to use the new server, user or CA certificate.</source>
        <translation>Melden Sie sich an, um den neuen Server, Benutzer oder das CA-Zertifikat zu verwenden.</translation>
    </message>
</context>
<context>
    <name>LeaveDialog</name>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>1 offer is waiting for you. Quitting hands it back to the queue now, so another agent gets it. This is not counted as a missed offer.</source>
        <translation>1 Angebot wartet auf Sie. Beim Beenden geht es sofort an die Warteschlange zurück, damit ein anderer Agent es erhält. Das zählt nicht als verpasstes Angebot.</translation>
    </message>
    <message>
        <source>1 offer is waiting for you. Signing out hands it back to the queue now, so another agent gets it. This is not counted as a missed offer.</source>
        <translation>1 Angebot wartet auf Sie. Beim Abmelden geht es sofort an die Warteschlange zurück, damit ein anderer Agent es erhält. Das zählt nicht als verpasstes Angebot.</translation>
    </message>
    <message>
        <source>{count} offers are waiting for you. Quitting hands them back to the queue now, so another agent gets them. This is not counted as a missed offer.</source>
        <translation>{count} Angebote warten auf Sie. Beim Beenden gehen sie sofort an die Warteschlange zurück, damit andere Agenten sie erhalten. Das zählt nicht als verpasste Angebote.</translation>
    </message>
    <message>
        <source>{count} offers are waiting for you. Signing out hands them back to the queue now, so another agent gets them. This is not counted as a missed offer.</source>
        <translation>{count} Angebote warten auf Sie. Beim Abmelden gehen sie sofort an die Warteschlange zurück, damit andere Agenten sie erhalten. Das zählt nicht als verpasste Angebote.</translation>
    </message>
    <message>
        <source>1 session is open. It stays assigned to you for a few minutes: sign in again soon to carry on, or the customer goes back to the queue.</source>
        <translation>1 Sitzung ist offen. Sie bleibt einige Minuten lang Ihnen zugewiesen: Melden Sie sich bald wieder an, um weiterzumachen, sonst geht der Kunde zurück in die Warteschlange.</translation>
    </message>
    <message>
        <source>{count} sessions are open. They stay assigned to you for a few minutes: sign in again soon to carry on, or the customers go back to the queue.</source>
        <translation>{count} Sitzungen sind offen. Sie bleiben einige Minuten lang Ihnen zugewiesen: Melden Sie sich bald wieder an, um weiterzumachen, sonst gehen die Kunden zurück in die Warteschlange.</translation>
    </message>
    <message>
        <source>Quit with work open?</source>
        <translation>Mit offener Arbeit beenden?</translation>
    </message>
    <message>
        <source>Sign out with work open?</source>
        <translation>Mit offener Arbeit abmelden?</translation>
    </message>
    <message>
        <source>Keep working</source>
        <translation>Weiterarbeiten</translation>
    </message>
</context>
<context>
    <name>Login</name>
    <message>
        <source>Please enter your password.</source>
        <translation>Bitte geben Sie Ihr Passwort ein.</translation>
    </message>
    <message>
        <source>unknown user or wrong password</source>
        <translation>unbekannter Benutzer oder falsches Passwort</translation>
    </message>
    <message>
        <source>the session token has expired; log in again</source>
        <translation>die Anmeldung ist abgelaufen; melden Sie sich erneut an</translation>
    </message>
    <message>
        <source>Sign in — Agent Desktop</source>
        <translation>Anmelden — Agent Desktop</translation>
    </message>
    <message>
        <source>Sign in to your contact center</source>
        <translation>Bei Ihrem Contact Center anmelden</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <source>Enter your user name.</source>
        <translation>Geben Sie Ihren Benutzernamen ein.</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>Geben Sie Ihr Passwort ein.</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Anmelden…</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Agent Desktop</source>
        <translation>&amp;Agent Desktop</translation>
    </message>
    <message>
        <source>&amp;Work</source>
        <translation>A&amp;rbeit</translation>
    </message>
    <message>
        <source>&amp;Presence</source>
        <translation>&amp;Status</translation>
    </message>
    <message>
        <source>Set {presence}</source>
        <translation>{presence} setzen</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source> or </source>
        <translation> oder </translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
</context>
<context>
    <name>MessageNotices</name>
    <message>
        <source>{customer} wrote</source>
        <translation>{customer} hat geschrieben</translation>
    </message>
</context>
<context>
    <name>NextStatus</name>
    <message>
        <source>Next status</source>
        <translation>Nächster Status</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Keep the presence as it is after these sessions</source>
        <translation>Den Status nach diesen Sitzungen so lassen, wie er ist</translation>
    </message>
    <message>
        <source>After these sessions…</source>
        <translation>Danach…</translation>
    </message>
    <message>
        <source>Pick the presence to take when your open work ends</source>
        <translation>Den Status wählen, der gilt, wenn Ihre offene Arbeit endet</translation>
    </message>
    <message>
        <source>Then {presence}, after your open work</source>
        <translation>Danach {presence}, nach Ihrer offenen Arbeit</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>Ändern…</translation>
    </message>
    <message>
        <source>{presence} after these sessions</source>
        <translation>{presence} nach diesen Sitzungen</translation>
    </message>
</context>
<context>
    <name>NotificationLog</name>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Booking</source>
        <translation>Buchung</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Zugestellt</translation>
    </message>
    <message>
        <source>Provider id</source>
        <translation>Anbieter-ID</translation>
    </message>
    <message>
        <source>Reminder</source>
        <translation>Erinnerung</translation>
    </message>
    <message>
        <source>On the way</source>
        <translation>Unterwegs</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Rescheduled</source>
        <translation>Verschoben</translation>
    </message>
    <message>
        <source>Canceled</source>
        <translation>Storniert</translation>
    </message>
    <message>
        <source>Running late</source>
        <translation>Verspätung</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>Nicht gesendet</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>account excluded</source>
        <translation>Kundenkonto ausgeschlossen</translation>
    </message>
    <message>
        <source>work order type excluded</source>
        <translation>Auftragsart ausgeschlossen</translation>
    </message>
    <message>
        <source>opted out</source>
        <translation>abgemeldet</translation>
    </message>
    <message>
        <source>replied STOP</source>
        <translation>mit STOP beantwortet</translation>
    </message>
    <message>
        <source>no address</source>
        <translation>keine Adresse</translation>
    </message>
    <message>
        <source>channel off</source>
        <translation>Kanal abgeschaltet</translation>
    </message>
    <message>
        <source>booking ended</source>
        <translation>Buchung beendet</translation>
    </message>
    <message>
        <source>no longer moved</source>
        <translation>nicht mehr verschoben</translation>
    </message>
    <message>
        <source>permanent failure</source>
        <translation>dauerhafter Fehler</translation>
    </message>
    <message>
        <source>attempts exhausted</source>
        <translation>Versuche aufgebraucht</translation>
    </message>
    <message>
        <source>not delivered</source>
        <translation>nicht zugestellt</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Beliebig</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>no number</source>
        <translation>keine Nummer</translation>
    </message>
    <message>
        <source>Customer notifications</source>
        <translation>Kundenbenachrichtigungen</translation>
    </message>
    <message>
        <source>Filter by state</source>
        <translation>Nach Status filtern</translation>
    </message>
    <message>
        <source>Filter by type</source>
        <translation>Nach Art filtern</translation>
    </message>
    <message>
        <source>Filter by channel</source>
        <translation>Nach Kanal filtern</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Seit</translation>
    </message>
    <message>
        <source>Sent customer notifications</source>
        <translation>Gesendete Kundenbenachrichtigungen</translation>
    </message>
    <message>
        <source>No customer notifications match the filters.</source>
        <translation>Keine Kundenbenachrichtigungen passen zu den Filtern.</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>⚠ {count} failed: not delivered and not retried</source>
        <translation>⚠ {count} fehlgeschlagen: nicht zugestellt und nicht erneut versucht</translation>
    </message>
</context>
<context>
    <name>Notify</name>
    <message>
        <source>Notifications show in the app only</source>
        <translation>Benachrichtigungen erscheinen nur in der App</translation>
    </message>
    <message>
        <source>Show in app</source>
        <translation>In der App zeigen</translation>
    </message>
    <message>
        <source>The notification service did not answer within {seconds} s</source>
        <translation>Der Benachrichtigungsdienst hat nicht innerhalb von {seconds} s geantwortet</translation>
    </message>
    <message>
        <source>This system offers no native notifications to this app (on macOS it must run as a signed app bundle)</source>
        <translation>Dieses System bietet dieser App keine nativen Benachrichtigungen (unter macOS muss sie als signiertes App-Bundle laufen)</translation>
    </message>
    <message>
        <source>Notifications are turned off for this app in the system settings</source>
        <translation>Benachrichtigungen sind für diese App in den Systemeinstellungen ausgeschaltet</translation>
    </message>
    <message>
        <source>Native notifications with Accept/Reject via {service}</source>
        <translation>Native Benachrichtigungen mit Annehmen/Ablehnen über {service}</translation>
    </message>
    <message>
        <source>Native notifications without buttons via {service}: it does not support actions, so offers are answered in the app</source>
        <translation>Native Benachrichtigungen ohne Schaltflächen über {service}: Der Dienst unterstützt keine Aktionen, daher werden Angebote in der App beantwortet</translation>
    </message>
    <message>
        <source>No D-Bus session bus ({why})</source>
        <translation>Kein D-Bus-Sitzungsbus ({why})</translation>
    </message>
    <message>
        <source>No notification service on the session bus ({why})</source>
        <translation>Kein Benachrichtigungsdienst auf dem Sitzungsbus ({why})</translation>
    </message>
    <message>
        <source>Native notifications failed their self-test ({why})</source>
        <translation>Native Benachrichtigungen haben den Selbsttest nicht bestanden ({why})</translation>
    </message>
    <message>
        <source>using native notifications</source>
        <translation>native Benachrichtigungen werden verwendet</translation>
    </message>
    <message>
        <source>using the tray balloon</source>
        <translation>Sprechblasen im Infobereich werden verwendet</translation>
    </message>
    <message>
        <source>notifications show in the app only</source>
        <translation>Benachrichtigungen erscheinen nur in der App</translation>
    </message>
    <message>
        <source>Desktop notifications</source>
        <translation>Desktop-Benachrichtigungen</translation>
    </message>
    <message>
        <source>Desktop notifications (no buttons)</source>
        <translation>Desktop-Benachrichtigungen (ohne Schaltflächen)</translation>
    </message>
    <message>
        <source>Tray notifications</source>
        <translation>Benachrichtigungen im Infobereich</translation>
    </message>
    <message>
        <source>In-app</source>
        <translation>Nur in der App</translation>
    </message>
    <message>
        <source>no tray icon</source>
        <translation>kein Symbol im Infobereich</translation>
    </message>
    <message>
        <source>no system tray</source>
        <translation>kein Infobereich</translation>
    </message>
    <message>
        <source>the system tray cannot show balloons</source>
        <translation>der Infobereich kann keine Sprechblasen zeigen</translation>
    </message>
    <message>
        <source>Tray balloon notifications; offers are answered in the app</source>
        <translation>Sprechblasen im Infobereich; Angebote werden in der App beantwortet</translation>
    </message>
</context>
<context>
    <name>OfferCard</name>
    <message>
        <source>Accepting… reconnecting</source>
        <translation>Wird angenommen… Verbindung wird wiederhergestellt</translation>
    </message>
    <message>
        <source>Accepting…</source>
        <translation>Wird angenommen…</translation>
    </message>
    <message>
        <source>Time left to answer</source>
        <translation>Verbleibende Zeit zum Antworten</translation>
    </message>
    <message>
        <source>Hand this offer back to the queue (Ctrl+Shift+R)</source>
        <translation>Dieses Angebot an die Warteschlange zurückgeben (Strg+Umschalt+R)</translation>
    </message>
    <message>
        <source>Take this work now (Ctrl+Return)</source>
        <translation>Diese Arbeit jetzt übernehmen (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Your answer</source>
        <translation>Ihre Antwort</translation>
    </message>
    <message>
        <source>Accept newest offer</source>
        <translation>Neuestes Angebot annehmen</translation>
    </message>
    <message>
        <source>Reject newest offer</source>
        <translation>Neuestes Angebot ablehnen</translation>
    </message>
</context>
<context>
    <name>OsState</name>
    <message>
        <source>Your desktop is in Do not disturb: offers show only in the app.</source>
        <translation>Ihr Desktop ist auf „Nicht stören“: Angebote erscheinen nur in der App.</translation>
    </message>
    <message>
        <source>The screen is locked: offers wait in the app until you unlock.</source>
        <translation>Der Bildschirm ist gesperrt: Angebote warten in der App, bis Sie entsperren.</translation>
    </message>
    <message>
        <source>The computer went to sleep: you said goodbye, so offers went to others.</source>
        <translation>Der Computer war im Ruhezustand: Sie wurden abgemeldet, Angebote gingen an andere.</translation>
    </message>
    <message>
        <source>Desktop notifications are back on.</source>
        <translation>Desktop-Benachrichtigungen sind wieder an.</translation>
    </message>
</context>
<context>
    <name>PresenceSelector</name>
    <message>
        <source>Presence</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>{name} (counts as {base})</source>
        <translation>{name} (zählt als {base})</translation>
    </message>
</context>
<context>
    <name>PresenceTimeline</name>
    <message>
        <source>Presence history</source>
        <translation>Statusverlauf</translation>
    </message>
    <message>
        <source>No presence changes yet.</source>
        <translation>Noch keine Statusänderungen.</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>Was geschah</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>Presence history of {name}</source>
        <translation>Statusverlauf von {name}</translation>
    </message>
</context>
<context>
    <name>QueueTable</name>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Longest wait</source>
        <translation>Längste Wartezeit</translation>
    </message>
    <message>
        <source>Estimated wait</source>
        <translation>Geschätzte Wartezeit</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Verfügbar</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Beschäftigt</translation>
    </message>
    <message>
        <source>Away</source>
        <translation>Abwesend</translation>
    </message>
    <message>
        <source>Offers out</source>
        <translation>Angebote unterwegs</translation>
    </message>
    <message>
        <source>Missed (1 h)</source>
        <translation>Verpasst (1 Std.)</translation>
    </message>
    <message>
        <source>Rejected (1 h)</source>
        <translation>Abgelehnt (1 Std.)</translation>
    </message>
    <message>
        <source>Mean handle time {time}</source>
        <translation>Mittlere Bearbeitungszeit {time}</translation>
    </message>
    <message>
        <source>nobody staffing</source>
        <translation>niemand besetzt</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Warteschlangen</translation>
    </message>
    <message>
        <source>Each queue&apos;s waiting work, longest and estimated wait, and who is available</source>
        <translation>Wartende Arbeit, längste und geschätzte Wartezeit und verfügbare Personen je Warteschlange</translation>
    </message>
</context>
<context>
    <name>ServerWords</name>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Kundenkonto</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>Fall</translation>
    </message>
    <message>
        <source>Case title</source>
        <translation>Falltitel</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Bot summary</source>
        <translation>Zusammenfassung des Bots</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Wartet seit</translation>
    </message>
    <message>
        <source>Incoming chat</source>
        <translation>Eingehender Chat</translation>
    </message>
    <message>
        <source>Incoming SMS</source>
        <translation>Eingehende SMS</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>Eingehender Anruf</translation>
    </message>
    <message>
        <source>Case assigned</source>
        <translation>Fall zugewiesen</translation>
    </message>
    <message>
        <source>New assignment</source>
        <translation>Neue Zuweisung</translation>
    </message>
    <message>
        <source>Transferred to you</source>
        <translation>An Sie weitergeleitet</translation>
    </message>
    <message>
        <source>Escalated to you</source>
        <translation>An Sie eskaliert</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Annehmen</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Annehmen</translation>
    </message>
    <message>
        <source>Decline</source>
        <translation>Abweisen</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Open item</source>
        <translation>Vorgang öffnen</translation>
    </message>
    <message>
        <source>Unknown customer</source>
        <translation>Unbekannter Kunde</translation>
    </message>
    <message>
        <source>a chat from {customer}</source>
        <translation>einen Chat von {customer}</translation>
    </message>
    <message>
        <source>an SMS from {customer}</source>
        <translation>eine SMS von {customer}</translation>
    </message>
    <message>
        <source>a call from {customer}</source>
        <translation>einen Anruf von {customer}</translation>
    </message>
    <message>
        <source>a case for {customer}</source>
        <translation>einen Fall für {customer}</translation>
    </message>
    <message>
        <source>The connection to the server was lost. You get no new work until it is back.</source>
        <translation>Die Verbindung zum Server ist unterbrochen. Bis sie wieder steht, erhalten Sie keine neue Arbeit.</translation>
    </message>
    <message>
        <source>You missed {work}, one missed offer too many in a short time, so you get no new work for a while. A supervisor can lift this.</source>
        <translation>Sie haben {work} verpasst, ein verpasstes Angebot zu viel in kurzer Zeit, und erhalten daher eine Weile keine neue Arbeit. Die Teamleitung kann das aufheben.</translation>
    </message>
    <message>
        <source>You missed {work}, one missed offer too many in a short time, so you get no new work for {minutes} min. A supervisor can lift this.</source>
        <translation>Sie haben {work} verpasst, ein verpasstes Angebot zu viel in kurzer Zeit, und erhalten daher {minutes} Min. lang keine neue Arbeit. Die Teamleitung kann das aufheben.</translation>
    </message>
    <message>
        <source>You missed {work}, so you were set to Inactive. Set yourself Available to get new work.</source>
        <translation>Sie haben {work} verpasst und wurden daher auf Inaktiv gesetzt. Setzen Sie sich auf Verfügbar, um neue Arbeit zu erhalten.</translation>
    </message>
    <message>
        <source>You rejected {work}, so you were set to Do not disturb. Set yourself Available when you are ready for new work.</source>
        <translation>Sie haben {work} abgelehnt und wurden daher auf Nicht stören gesetzt. Setzen Sie sich auf Verfügbar, sobald Sie bereit für neue Arbeit sind.</translation>
    </message>
    <message>
        <source>{Work} could not open: you already have {count} sessions, so you were set to Do not disturb. Close a session and set yourself Available to take new work.</source>
        <translation>Der Server konnte Ihnen {work} nicht zuweisen: Sie haben bereits {count} Sitzungen und wurden daher auf Nicht stören gesetzt. Schließen Sie eine Sitzung und setzen Sie sich auf Verfügbar, um neue Arbeit anzunehmen.</translation>
    </message>
    <message>
        <source>You missed an offer, so you are Inactive and get no new work.</source>
        <translation>Sie haben ein Angebot verpasst; Sie sind daher Inaktiv und erhalten keine neue Arbeit.</translation>
    </message>
    <message>
        <source>You rejected an offer, so you are on Do not disturb.</source>
        <translation>Sie haben ein Angebot abgelehnt; Sie stehen daher auf Nicht stören.</translation>
    </message>
    <message>
        <source>You have the maximum number of sessions open, so you are on Do not disturb.</source>
        <translation>Sie haben die Höchstzahl an Sitzungen offen; Sie stehen daher auf Nicht stören.</translation>
    </message>
    <message>
        <source>You missed too many offers in a short time, so you get no new work for a while. A supervisor can lift this.</source>
        <translation>Sie haben in kurzer Zeit zu viele Angebote verpasst und erhalten daher eine Weile keine neue Arbeit. Die Teamleitung kann das aufheben.</translation>
    </message>
    <message>
        <source>Assigned: {queue}</source>
        <translation>Zugewiesen: {queue}</translation>
    </message>
</context>
<context>
    <name>SessionTabs</name>
    <message>
        <source>Sessions with unread messages</source>
        <translation>Sitzungen mit ungelesenen Nachrichten</translation>
    </message>
    <message>
        <source>No open sessions. New work appears here when you accept it.</source>
        <translation>Keine offenen Sitzungen. Neue Arbeit erscheint hier, sobald Sie sie annehmen.</translation>
    </message>
    <message>
        <source>Show session {number}</source>
        <translation>Sitzung {number} zeigen</translation>
    </message>
    <message>
        <source>Next session</source>
        <translation>Nächste Sitzung</translation>
    </message>
    <message>
        <source>Previous session</source>
        <translation>Vorherige Sitzung</translation>
    </message>
    <message>
        <source>Close this session</source>
        <translation>Diese Sitzung schließen</translation>
    </message>
    <message>
        <source>Opening the conversation…</source>
        <translation>Gespräch wird geöffnet…</translation>
    </message>
    <message>
        <source>{channel} with {name}</source>
        <translation>{channel} mit {name}</translation>
    </message>
    <message>
        <source>{name} — new messages</source>
        <translation>{name} — neue Nachrichten</translation>
    </message>
    <message>
        <source>● {count} unread</source>
        <translation>● {count} ungelesen</translation>
    </message>
</context>
<context>
    <name>SessionView</name>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Kundenkonto</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>Kontakt</translation>
    </message>
    <message>
        <source>{channel} · {queue} queue</source>
        <translation>{channel} · Warteschlange {queue}</translation>
    </message>
    <message>
        <source>Known contact: {name}</source>
        <translation>Bekannter Kontakt: {name}</translation>
    </message>
    <message>
        <source>Not linked to a contact record</source>
        <translation>Mit keinem Kontakt verknüpft</translation>
    </message>
    <message>
        <source>Contact record {id}</source>
        <translation>Kontakteintrag {id}</translation>
    </message>
    <message>
        <source>Type a reply — Enter sends, Shift+Enter adds a line</source>
        <translation>Antwort eingeben — Eingabe sendet, Umschalt+Eingabe fügt eine Zeile ein</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>Halten</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Stumm</translation>
    </message>
    <message>
        <source>End call</source>
        <translation>Auflegen</translation>
    </message>
    <message>
        <source>Put the caller on hold, or take the call back</source>
        <translation>Den Anrufer in die Warteschleife legen oder den Anruf zurückholen</translation>
    </message>
    <message>
        <source>Turn your microphone off or on</source>
        <translation>Ihr Mikrofon aus- oder einschalten</translation>
    </message>
    <message>
        <source>Hang up: the call ends for the caller too</source>
        <translation>Auflegen: Der Anruf endet auch für den Anrufer</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Anruf</translation>
    </message>
    <message>
        <source>Muted</source>
        <translation>Stummgeschaltet</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>Ton an</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Niedrig</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Mittel</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Dringend</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Bearbeitungsstand</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>No case record was attached to this item.</source>
        <translation>Zu diesem Vorgang gehört kein Falleintrag.</translation>
    </message>
    <message>
        <source>Case {number}: {title}</source>
        <translation>Fall {number}: {title}</translation>
    </message>
    <message>
        <source>No description.</source>
        <translation>Keine Beschreibung.</translation>
    </message>
    <message>
        <source>The customer left the conversation.</source>
        <translation>Der Kunde hat das Gespräch verlassen.</translation>
    </message>
    <message>
        <source>Bot summary</source>
        <translation>Zusammenfassung des Bots</translation>
    </message>
    <message>
        <source>Conversation with {name}</source>
        <translation>Gespräch mit {name}</translation>
    </message>
    <message>
        <source>The messages so far, oldest first</source>
        <translation>Die bisherigen Nachrichten, die älteste zuerst</translation>
    </message>
    <message>
        <source>Reply to {name}</source>
        <translation>Antwort an {name}</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter adds a line</source>
        <translation>Eingabe sendet, Umschalt+Eingabe fügt eine Zeile ein</translation>
    </message>
    <message>
        <source>Transfer…</source>
        <translation>Weiterleiten…</translation>
    </message>
    <message>
        <source>Escalate…</source>
        <translation>Eskalieren…</translation>
    </message>
    <message>
        <source>Close session</source>
        <translation>Sitzung schließen</translation>
    </message>
    <message>
        <source>Hand this conversation to another queue or agent</source>
        <translation>Dieses Gespräch an eine andere Warteschlange oder einen anderen Agenten geben</translation>
    </message>
    <message>
        <source>Pass this conversation on for more help, to a queue or an agent</source>
        <translation>Dieses Gespräch für weitere Hilfe an eine Warteschlange oder einen Agenten übergeben</translation>
    </message>
    <message>
        <source>Finish this session: it leaves your list (Ctrl+Shift+W)</source>
        <translation>Diese Sitzung beenden: Sie verschwindet aus Ihrer Liste (Strg+Umschalt+W)</translation>
    </message>
    <message>
        <source>Show earlier messages ({count} more)</source>
        <translation>Frühere Nachrichten anzeigen ({count} weitere)</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>Your saved settings could not be read ({why}); defaults are used.</source>
        <translation>Ihre gespeicherten Einstellungen konnten nicht gelesen werden ({why}); es gelten die Standardwerte.</translation>
    </message>
    <message>
        <source>Always</source>
        <translation>Immer</translation>
    </message>
    <message>
        <source>Only when the app is not in focus</source>
        <translation>Nur wenn die App nicht im Vordergrund ist</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <source>with the notification</source>
        <translation>mit der Benachrichtigung</translation>
    </message>
    <message>
        <source>Sound after</source>
        <translation>Ton nach</translation>
    </message>
    <message>
        <source>Flash the taskbar after</source>
        <translation>Taskleiste blinken nach</translation>
    </message>
    <message>
        <source>Last call before the deadline</source>
        <translation>Letzter Aufruf vor Ablauf</translation>
    </message>
    <message>
        <source>If an offer is not answered: a sound, then a taskbar flash, then a last call (the notification again, urgent, with a sound) shortly before it expires.</source>
        <translation>Wenn ein Angebot unbeantwortet bleibt: ein Ton, dann blinkt die Taskleiste, dann ein letzter Aufruf (die Benachrichtigung erneut, dringend, mit Ton) kurz vor Ablauf.</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>0 s: {meaning}</source>
        <translation>0 s: {meaning}</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Desktop notifications</source>
        <translation>Desktop-Benachrichtigungen</translation>
    </message>
    <message>
        <source>Notify me of new customer messages while the app is not in focus</source>
        <translation>Neue Kundennachrichten melden, solange die App nicht im Vordergrund ist</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Play a sound on incoming work</source>
        <translation>Bei eingehender Arbeit einen Ton abspielen</translation>
    </message>
    <message>
        <source>Sound</source>
        <translation>Ton</translation>
    </message>
    <message>
        <source>Repeat until answered</source>
        <translation>Wiederholen, bis beantwortet</translation>
    </message>
    <message>
        <source>Sound for</source>
        <translation>Ton für</translation>
    </message>
    <message>
        <source>Unanswered offer</source>
        <translation>Unbeantwortetes Angebot</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>None: the system&apos;s trusted certificates only</source>
        <translation>Keins: nur die vertrauenswürdigen Zertifikate des Systems</translation>
    </message>
    <message>
        <source>A PEM file with your organisation&apos;s CA certificate, trusted for wss:// in addition to the system&apos;s certificates.</source>
        <translation>Eine PEM-Datei mit dem CA-Zertifikat Ihrer Organisation, dem für wss:// zusätzlich zu den Zertifikaten des Systems vertraut wird.</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Auswählen…</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>CA-Zertifikat</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Anmeldung</translation>
    </message>
    <message>
        <source>Notification self-test has not run yet.</source>
        <translation>Der Selbsttest der Benachrichtigungen ist noch nicht gelaufen.</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All (*)</source>
        <translation>Zertifikate (*.pem *.crt *.cer);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Notification self-test: {result}</source>
        <translation>Selbsttest der Benachrichtigungen: {result}</translation>
    </message>
    <message>
        <source>CA certificate: no file at {path}</source>
        <translation>CA-Zertifikat: keine Datei unter {path}</translation>
    </message>
    <message>
        <source>CA certificate: {path} is not a PEM certificate ({why})</source>
        <translation>CA-Zertifikat: {path} ist kein PEM-Zertifikat ({why})</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>The language of the app; it changes when the app starts next.</source>
        <translation>Die Sprache der App; sie wechselt beim nächsten Start der App.</translation>
    </message>
</context>
<context>
    <name>SignIn</name>
    <message>
        <source>If your organisation uses its own certificate authority, add its CA certificate in Settings (the Settings… button below), then sign in again.</source>
        <translation>Wenn Ihre Organisation eine eigene Zertifizierungsstelle verwendet, fügen Sie deren CA-Zertifikat in den Einstellungen hinzu (Schaltfläche Einstellungen… unten) und melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>it could not be verified</source>
        <translation>es konnte nicht geprüft werden</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not trusted ({why}). {hint}</source>
        <translation>Dem Zertifikat des Servers wird nicht vertraut ({why}). {hint}</translation>
    </message>
    <message>
        <source>Cannot reach {url}: the server does not speak TLS on that port. Try ws:// instead of wss://, or check the port.</source>
        <translation>{url} ist nicht erreichbar: Der Server spricht auf diesem Port kein TLS. Versuchen Sie ws:// statt wss:// oder prüfen Sie den Port.</translation>
    </message>
    <message>
        <source>Cannot reach {url}: connection refused. Check the server address and port, or ask your administrator whether the server is running.</source>
        <translation>{url} ist nicht erreichbar: Verbindung abgewiesen. Prüfen Sie Serveradresse und Port oder fragen Sie Ihre Administration, ob der Server läuft.</translation>
    </message>
    <message>
        <source>Cannot reach {url}: the server name is not known. Check the server address.</source>
        <translation>{url} ist nicht erreichbar: Der Servername ist unbekannt. Prüfen Sie die Serveradresse.</translation>
    </message>
    <message>
        <source>Cannot reach {url}: the network is unreachable. Check your connection.</source>
        <translation>{url} ist nicht erreichbar: Das Netzwerk ist nicht erreichbar. Prüfen Sie Ihre Verbindung.</translation>
    </message>
    <message>
        <source>Cannot reach {url}: the server did not answer in time.</source>
        <translation>{url} ist nicht erreichbar: Der Server hat nicht rechtzeitig geantwortet.</translation>
    </message>
    <message>
        <source>Cannot sign in at {url}: {why}</source>
        <translation>Anmeldung bei {url} nicht möglich: {why}</translation>
    </message>
    <message>
        <source>the connection failed</source>
        <translation>die Verbindung ist fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Nicht angemeldet</translation>
    </message>
</context>
<context>
    <name>SupervisorView</name>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Presence</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sitzungen</translation>
    </message>
    <message>
        <source>Pending offers</source>
        <translation>Offene Angebote</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Hinweise</translation>
    </message>
    <message>
        <source>Penalty</source>
        <translation>Sperre</translation>
    </message>
    <message>
        <source>Missed offer</source>
        <translation>Verpasstes Angebot</translation>
    </message>
    <message>
        <source>Rejected offer</source>
        <translation>Abgelehntes Angebot</translation>
    </message>
    <message>
        <source>Session limit</source>
        <translation>Sitzungsgrenze</translation>
    </message>
    <message>
        <source>; then {presence}</source>
        <translation>; danach {presence}</translation>
    </message>
    <message>
        <source>{sessions}, {wrap_ups} wrapping up</source>
        <translation>{sessions}, {wrap_ups} in Nachbearbeitung</translation>
    </message>
    <message>
        <source>{sessions} ({used}/{capacity} capacity)</source>
        <translation>{sessions} (Kapazität {used}/{capacity})</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Getrennt</translation>
    </message>
    <message>
        <source>No queue work until {time}</source>
        <translation>Keine Warteschlangenarbeit bis {time}</translation>
    </message>
    <message>
        <source>Your agents</source>
        <translation>Ihre Agenten</translation>
    </message>
    <message>
        <source>Select an agent, then Reset presence; or open the context menu on a row</source>
        <translation>Wählen Sie einen Agenten und dann Status zurücksetzen, oder öffnen Sie das Kontextmenü einer Zeile</translation>
    </message>
    <message>
        <source>Select an agent in the table to reset their presence.</source>
        <translation>Wählen Sie einen Agenten in der Tabelle, um seinen Status zurückzusetzen.</translation>
    </message>
    <message>
        <source>Reset to</source>
        <translation>Zurücksetzen auf</translation>
    </message>
    <message>
        <source>The presence the selected agent is reset to</source>
        <translation>Der Status, auf den der gewählte Agent zurückgesetzt wird</translation>
    </message>
    <message>
        <source>Reset to presence</source>
        <translation>Zurücksetzen auf Status</translation>
    </message>
    <message>
        <source>Reset presence</source>
        <translation>Status zurücksetzen</translation>
    </message>
    <message>
        <source>Set the selected agent&apos;s presence to the one chosen beside</source>
        <translation>Den Status des gewählten Agenten auf den daneben gewählten setzen</translation>
    </message>
    <message>
        <source>Clear penalty</source>
        <translation>Sperre aufheben</translation>
    </message>
    <message>
        <source>Route queue work to the selected agent again, before their penalty ends</source>
        <translation>Der ausgewählten Person wieder Warteschlangenarbeit zuteilen, bevor ihre Sperre endet</translation>
    </message>
    <message>
        <source>Reset presence to {presence}</source>
        <translation>Status auf {presence} zurücksetzen</translation>
    </message>
    <message>
        <source>Clear the repeat-miss penalty</source>
        <translation>Sperre wegen wiederholt verpasster Angebote aufheben</translation>
    </message>
</context>
<context>
    <name>Tasks</name>
    <message>
        <source>You are not allowed to do that.</source>
        <translation>Das dürfen Sie nicht.</translation>
    </message>
    <message>
        <source>That offer is gone (answered or expired).</source>
        <translation>Dieses Angebot gibt es nicht mehr (beantwortet oder abgelaufen).</translation>
    </message>
    <message>
        <source>That session is not open any more.</source>
        <translation>Diese Sitzung ist nicht mehr offen.</translation>
    </message>
    <message>
        <source>That agent is not known to the server.</source>
        <translation>Dieser Agent ist dem Server nicht bekannt.</translation>
    </message>
    <message>
        <source>That queue is not known to the server.</source>
        <translation>Diese Warteschlange ist dem Server nicht bekannt.</translation>
    </message>
    <message>
        <source>That alert is gone.</source>
        <translation>Dieser Hinweis ist nicht mehr da.</translation>
    </message>
    <message>
        <source>The offer had already expired.</source>
        <translation>Das Angebot war bereits abgelaufen.</translation>
    </message>
    <message>
        <source>The offer was already answered, missed or withdrawn.</source>
        <translation>Das Angebot war bereits beantwortet, verpasst oder zurückgezogen.</translation>
    </message>
    <message>
        <source>This offer cannot be rejected.</source>
        <translation>Dieses Angebot kann nicht abgelehnt werden.</translation>
    </message>
    <message>
        <source>You already have the most sessions allowed; close one first.</source>
        <translation>Sie haben bereits die Höchstzahl an Sitzungen; schließen Sie zuerst eine.</translation>
    </message>
    <message>
        <source>That presence cannot be set (Inactive is set by the system only).</source>
        <translation>Dieser Status kann nicht gesetzt werden (Inaktiv setzt nur das System).</translation>
    </message>
    <message>
        <source>That does not fit this kind of work.</source>
        <translation>Das passt nicht zu dieser Art von Arbeit.</translation>
    </message>
    <message>
        <source>That work is already closed.</source>
        <translation>Diese Arbeit ist bereits abgeschlossen.</translation>
    </message>
    <message>
        <source>That wrap-up is already over.</source>
        <translation>Diese Nachbearbeitung ist bereits beendet.</translation>
    </message>
    <message>
        <source>This queue needs a disposition and a note, as asked, to finish the wrap-up.</source>
        <translation>Diese Warteschlange verlangt einen Abschlusscode und eine Notiz, wie angegeben, um die Nachbearbeitung zu beenden.</translation>
    </message>
    <message>
        <source>The server hit an internal error; nothing was changed.</source>
        <translation>Auf dem Server ist ein interner Fehler aufgetreten; nichts wurde geändert.</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Annehmen</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <source>Set presence</source>
        <translation>Status setzen</translation>
    </message>
    <message>
        <source>Set me Available</source>
        <translation>Mich auf Verfügbar setzen</translation>
    </message>
    <message>
        <source>Dismiss alert</source>
        <translation>Hinweis ausblenden</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>Nachricht senden</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Weiterleiten</translation>
    </message>
    <message>
        <source>Escalate</source>
        <translation>Eskalieren</translation>
    </message>
    <message>
        <source>Close session</source>
        <translation>Sitzung schließen</translation>
    </message>
    <message>
        <source>Reset presence</source>
        <translation>Status zurücksetzen</translation>
    </message>
    <message>
        <source>List agents</source>
        <translation>Agenten auflisten</translation>
    </message>
    <message>
        <source>Presence history</source>
        <translation>Statusverlauf</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Anruf</translation>
    </message>
    <message>
        <source>Reconnect</source>
        <translation>Neu verbinden</translation>
    </message>
    <message>
        <source>Notification self-test</source>
        <translation>Selbsttest der Benachrichtigungen</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Stop signing in</source>
        <translation>Anmeldung abbrechen</translation>
    </message>
    <message>
        <source>Retry message</source>
        <translation>Nachricht erneut senden</translation>
    </message>
    <message>
        <source>Discard message</source>
        <translation>Nachricht verwerfen</translation>
    </message>
    <message>
        <source>Dismiss toast</source>
        <translation>Meldung ausblenden</translation>
    </message>
    <message>
        <source>Alert action</source>
        <translation>Aktion des Hinweises</translation>
    </message>
    <message>
        <source>Check clock</source>
        <translation>Uhr prüfen</translation>
    </message>
    <message>
        <source>Show notification</source>
        <translation>Benachrichtigung zeigen</translation>
    </message>
    <message>
        <source>Withdraw notification</source>
        <translation>Benachrichtigung zurückziehen</translation>
    </message>
    <message>
        <source>Extend wrap-up</source>
        <translation>Nachbearbeitung verlängern</translation>
    </message>
    <message>
        <source>Finish wrap-up</source>
        <translation>Nachbearbeitung beenden</translation>
    </message>
    <message>
        <source>Set next status</source>
        <translation>Nächsten Status festlegen</translation>
    </message>
    <message>
        <source>Cancel next status</source>
        <translation>Nächsten Status verwerfen</translation>
    </message>
    <message>
        <source>Clear penalty</source>
        <translation>Sperre aufheben</translation>
    </message>
    <message>
        <source>List queues</source>
        <translation>Warteschlangen abrufen</translation>
    </message>
    <message>
        <source>{task}: not connected to the server right now.</source>
        <translation>{task}: gerade nicht mit dem Server verbunden.</translation>
    </message>
    <message>
        <source>{task}: the connection dropped before the server answered.</source>
        <translation>{task}: Die Verbindung brach ab, bevor der Server antwortete.</translation>
    </message>
    <message>
        <source>{task} failed unexpectedly; see the log.</source>
        <translation>{task} ist unerwartet fehlgeschlagen; siehe Protokoll.</translation>
    </message>
</context>
<context>
    <name>ToastStack</name>
    <message>
        <source>Assigned to you</source>
        <translation>Ihnen zugewiesen</translation>
    </message>
    <message>
        <source>Transferred to you</source>
        <translation>An Sie weitergeleitet</translation>
    </message>
    <message>
        <source>Escalated to you</source>
        <translation>An Sie eskaliert</translation>
    </message>
    <message>
        <source>Handed over by the bot</source>
        <translation>Vom Bot übergeben</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Ausblenden</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Show this session</source>
        <translation>Diese Sitzung zeigen</translation>
    </message>
</context>
<context>
    <name>Transcript</name>
    <message>
        <source>sending…</source>
        <translation>wird gesendet…</translation>
    </message>
    <message>
        <source>not sent</source>
        <translation>nicht gesendet</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <source>Escalate {customer}</source>
        <translation>{customer} eskalieren</translation>
    </message>
    <message>
        <source>Transfer {customer}</source>
        <translation>{customer} weiterleiten</translation>
    </message>
    <message>
        <source>Escalate the conversation with {customer} to:</source>
        <translation>Das Gespräch mit {customer} eskalieren an:</translation>
    </message>
    <message>
        <source>Transfer the conversation with {customer} to:</source>
        <translation>Das Gespräch mit {customer} weiterleiten an:</translation>
    </message>
    <message>
        <source>A queue</source>
        <translation>Eine Warteschlange</translation>
    </message>
    <message>
        <source>An agent</source>
        <translation>Einen Agenten</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Type the agent&apos;s user name</source>
        <translation>Benutzernamen des Agenten eingeben</translation>
    </message>
    <message>
        <source>Escalate</source>
        <translation>Eskalieren</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Weiterleiten</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>Show Agent Desktop</source>
        <translation>Agent Desktop zeigen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>1 unread session</source>
        <translation>1 ungelesene Sitzung</translation>
    </message>
    <message>
        <source>{count} unread sessions</source>
        <translation>{count} ungelesene Sitzungen</translation>
    </message>
</context>
<context>
    <name>Wording</name>
    <message>
        <source>Available</source>
        <translation>Verfügbar</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Beschäftigt</translation>
    </message>
    <message>
        <source>Do not disturb</source>
        <translation>Nicht stören</translation>
    </message>
    <message>
        <source>Away</source>
        <translation>Abwesend</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Inactive</source>
        <translation>Inaktiv</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Voice call</source>
        <translation>Anruf</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>Fall</translation>
    </message>
    <message>
        <source>work was accepted</source>
        <translation>Arbeit wurde angenommen</translation>
    </message>
    <message>
        <source>work was assigned automatically</source>
        <translation>Arbeit wurde automatisch zugewiesen</translation>
    </message>
    <message>
        <source>a case was assigned at its timeout</source>
        <translation>ein Fall wurde bei Fristablauf zugewiesen</translation>
    </message>
    <message>
        <source>an offer was rejected</source>
        <translation>ein Angebot wurde abgelehnt</translation>
    </message>
    <message>
        <source>an offer was missed</source>
        <translation>ein Angebot wurde verpasst</translation>
    </message>
    <message>
        <source>the session limit was reached</source>
        <translation>die Sitzungsgrenze wurde erreicht</translation>
    </message>
    <message>
        <source>chosen by hand</source>
        <translation>von Hand gewählt</translation>
    </message>
    <message>
        <source>reset by a supervisor</source>
        <translation>von einer Teamleitung zurückgesetzt</translation>
    </message>
    <message>
        <source>it follows your open work</source>
        <translation>folgt Ihrer offenen Arbeit</translation>
    </message>
    <message>
        <source>the connection was lost</source>
        <translation>die Verbindung ging verloren</translation>
    </message>
    <message>
        <source>reconnected</source>
        <translation>wieder verbunden</translation>
    </message>
    <message>
        <source>signed in</source>
        <translation>angemeldet</translation>
    </message>
    <message>
        <source>signed out</source>
        <translation>abgemeldet</translation>
    </message>
    <message>
        <source>the customer left</source>
        <translation>der Kunde hat das Gespräch verlassen</translation>
    </message>
    <message>
        <source>transferred</source>
        <translation>weitergeleitet</translation>
    </message>
    <message>
        <source>escalated</source>
        <translation>eskaliert</translation>
    </message>
    <message>
        <source>closed by the agent</source>
        <translation>vom Agenten geschlossen</translation>
    </message>
    <message>
        <source>as you chose, after your last session</source>
        <translation>wie von Ihnen gewählt, nach Ihrer letzten Sitzung</translation>
    </message>
    <message>
        <source>several offers were missed in a row</source>
        <translation>mehrere Angebote wurden nacheinander verpasst</translation>
    </message>
    <message>
        <source>wrap-up was finished</source>
        <translation>die Nachbearbeitung wurde beendet</translation>
    </message>
    <message>
        <source>wrap-up time ran out</source>
        <translation>die Nachbearbeitungszeit ist abgelaufen</translation>
    </message>
    <message>
        <source>Ringing…</source>
        <translation>Klingelt…</translation>
    </message>
    <message>
        <source>Call connected</source>
        <translation>Anruf verbunden</translation>
    </message>
    <message>
        <source>Call on hold</source>
        <translation>Anruf gehalten</translation>
    </message>
    <message>
        <source>Call ended</source>
        <translation>Anruf beendet</translation>
    </message>
    <message>
        <source>set by system</source>
        <translation>vom System gesetzt</translation>
    </message>
    <message>
        <source>set by supervisor {name}</source>
        <translation>von Teamleitung {name} gesetzt</translation>
    </message>
    <message>
        <source>set by a supervisor</source>
        <translation>von einer Teamleitung gesetzt</translation>
    </message>
    <message>
        <source>set by {name}</source>
        <translation>von {name} gesetzt</translation>
    </message>
    <message>
        <source>set by you</source>
        <translation>von Ihnen gesetzt</translation>
    </message>
    <message>
        <source>reset by supervisor {name}</source>
        <translation>von Teamleitung {name} zurückgesetzt</translation>
    </message>
    <message>
        <source>Supervisor {name} reset your presence</source>
        <translation>Teamleitung {name} hat Ihren Status zurückgesetzt</translation>
    </message>
    <message>
        <source>A supervisor reset your presence</source>
        <translation>Eine Teamleitung hat Ihren Status zurückgesetzt</translation>
    </message>
    <message>
        <source>You chose it</source>
        <translation>Von Ihnen gewählt</translation>
    </message>
    <message>
        <source>{presence}: {what} (was {previous})</source>
        <translation>{presence}: {what} (vorher {previous})</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Supervisor {name}</source>
        <translation>Teamleitung {name}</translation>
    </message>
    <message>
        <source>A supervisor</source>
        <translation>Eine Teamleitung</translation>
    </message>
    <message>
        <source>You</source>
        <translation>Sie</translation>
    </message>
    <message>
        <source>just arrived</source>
        <translation>gerade eingetroffen</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes} Min.</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min</source>
        <translation>{hours} Std. {minutes} Min.</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde…</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Verbinde neu…</translation>
    </message>
    <message>
        <source>Reconnecting in {seconds} s</source>
        <translation>Neuer Verbindungsversuch in {seconds} s</translation>
    </message>
    <message>
        <source>Sign-in failed</source>
        <translation>Anmeldung fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>WrapUp</name>
    <message>
        <source>No disposition</source>
        <translation>Kein Abschlusscode</translation>
    </message>
    <message>
        <source>Choose a disposition…</source>
        <translation>Abschlusscode wählen…</translation>
    </message>
    <message>
        <source>Wrap-up: {title}</source>
        <translation>Nachbearbeitung: {title}</translation>
    </message>
    <message>
        <source>Wrap-up time left</source>
        <translation>Verbleibende Nachbearbeitungszeit</translation>
    </message>
    <message>
        <source>Disposition</source>
        <translation>Abschlusscode</translation>
    </message>
    <message>
        <source>The outcome code of the work just finished</source>
        <translation>Der Ergebniscode der eben beendeten Arbeit</translation>
    </message>
    <message>
        <source>Wrap-up note</source>
        <translation>Nachbearbeitungsnotiz</translation>
    </message>
    <message>
        <source>A note on the work just finished, kept in its history</source>
        <translation>Eine Notiz zur eben beendeten Arbeit, in ihrem Verlauf gespeichert</translation>
    </message>
    <message>
        <source>Extend {minutes} min</source>
        <translation>{minutes} Min. verlängern</translation>
    </message>
    <message>
        <source>More time to wrap up</source>
        <translation>Mehr Zeit für die Nachbearbeitung</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Finish the wrap-up with this disposition and note</source>
        <translation>Die Nachbearbeitung mit diesem Abschlusscode und dieser Notiz beenden</translation>
    </message>
    <message>
        <source>Note (required)</source>
        <translation>Notiz (Pflicht)</translation>
    </message>
    <message>
        <source>Note (optional)</source>
        <translation>Notiz (optional)</translation>
    </message>
    <message>
        <source>Wrap-up started for {title}, {time} left.</source>
        <translation>Nachbearbeitung für {title} begonnen, noch {time}.</translation>
    </message>
    <message>
        <source>Choose a disposition to finish.</source>
        <translation>Wählen Sie einen Abschlusscode, um abzuschließen.</translation>
    </message>
    <message>
        <source>Write a note to finish.</source>
        <translation>Schreiben Sie eine Notiz, um abzuschließen.</translation>
    </message>
    <message>
        <source>Wrap-up for {title} ends in {seconds} seconds.</source>
        <translation>Nachbearbeitung für {title} endet in {seconds} Sekunden.</translation>
    </message>
</context>
</TS>
