// Which client (passwordless sign-in) and connector the app uses. `tessera serve` prints the sandbox's email client
// on first start. Taken from the URL (?clientId=…&connectorId=…), else what was typed in the settings form (kept in
// this browser), else the build's QUILTT_CLIENT_ID / QUILTT_CONNECTOR_ID.
const params = new URLSearchParams(window.location.search)
const remembered = key => window.localStorage.getItem(`tessera-example:${key}`) || ''

export const initialSettings = {
  clientId: params.get('clientId') || remembered('clientId') || import.meta.env.QUILTT_CLIENT_ID,
  connectorId: params.get('connectorId') || remembered('connectorId') || import.meta.env.QUILTT_CONNECTOR_ID,
}

export const rememberSettings = settings => {
  for (const [key, value] of Object.entries(settings)) window.localStorage.setItem(`tessera-example:${key}`, value)
}
