import { useCallback, useState } from 'react'
import {
  QuilttButton,
  QuilttProvider,
  useQuery,
  useQuilttSession,
  useSubscription,
} from '@quiltt/react'
import { initialSettings, rememberSettings } from './config.js'
import { ACCOUNTS, ACCOUNT_VERIFIED, CONNECTION_CREATED, CONNECTION_SYNCED, TRANSACTIONS } from './graphql.js'

export default function App() {
  const [settings, setSettings] = useState(initialSettings)
  const [editing, setEditing] = useState(!initialSettings.clientId)
  return (
    <main>
      <header>
        <h1>Tessera · React example</h1>
        <button type="button" className="link" onClick={() => setEditing(true)}>settings</button>
      </header>
      {editing ? (
        <Settings
          settings={settings}
          onSave={next => {
            rememberSettings(next)
            setSettings(next)
            setEditing(false)
          }}
        />
      ) : (
        // One provider for the whole app: it keeps the session token (localStorage) and gives every hook below
        // an Apollo client whose links speak to api.<domain> over HTTP and ActionCable.
        <QuilttProvider clientId={settings.clientId}>
          <Home connectorId={settings.connectorId} />
        </QuilttProvider>
      )}
    </main>
  )
}

function Settings({ settings, onSave }) {
  const [clientId, setClientId] = useState(settings.clientId)
  const [connectorId, setConnectorId] = useState(settings.connectorId)
  return (
    <form
      className="card"
      onSubmit={event => {
        event.preventDefault()
        onSave({ clientId: clientId.trim(), connectorId: connectorId.trim() })
      }}
    >
      <h2>Settings</h2>
      <p>The email client id that <code>tessera serve</code> printed on first start, and the connector to open.</p>
      <label>
        Client id
        <input name="clientId" value={clientId} onChange={e => setClientId(e.target.value)} required />
      </label>
      <label>
        Connector id
        <input name="connectorId" value={connectorId} onChange={e => setConnectorId(e.target.value)} />
      </label>
      <button type="submit">Save</button>
    </form>
  )
}

function Home({ connectorId }) {
  const { session } = useQuilttSession()
  return session ? <Dashboard connectorId={connectorId} /> : <SignIn />
}

// A message for whatever the SDK's identify/authenticate threw (it throws on a status it does not handle, 429
// among them) or reported as 422 field errors.
const describe = error => {
  if (error instanceof Error) {
    return /status 429/.test(error.message) ? 'Too many attempts: wait a little and try again.' : error.message
  }
  return Object.entries(error ?? {}).map(([field, messages]) => `${field} ${[].concat(messages).join(', ')}`).join('; ')
}

function SignIn() {
  const { identifySession, authenticateSession } = useQuilttSession()
  const [email, setEmail] = useState('')
  const [passcode, setPasscode] = useState('')
  const [step, setStep] = useState('email')
  const [message, setMessage] = useState('')
  const [busy, setBusy] = useState(false)

  const run = async action => {
    setBusy(true)
    setMessage('')
    try {
      await action()
    } catch (error) {
      setMessage(describe(error))
    } finally {
      setBusy(false)
    }
  }

  // Identify: a known email is challenged (202) and gets a passcode; an unknown one signs up at once (201)
  // unless the client verifies new profiles too.
  const identify = event => {
    event.preventDefault()
    run(() =>
      identifySession(
        { email },
        {
          onSuccess: () => {},
          onChallenged: () => setStep('passcode'),
          onForbidden: () => setMessage('This client does not take new sign-ups.'),
          onError: errors => setMessage(describe(errors)),
        },
      ),
    )
  }

  const authenticate = event => {
    event.preventDefault()
    run(() =>
      authenticateSession(
        { email, passcode },
        {
          onSuccess: () => {},
          onFailure: () => setMessage('That passcode is wrong, expired or already used.'),
          onError: errors => setMessage(describe(errors)),
        },
      ),
    )
  }

  return step === 'email' ? (
    <form className="card" onSubmit={identify} data-step="identify">
      <h2>Sign in</h2>
      <label>
        Email
        <input name="email" type="email" autoComplete="email" value={email} onChange={e => setEmail(e.target.value)} required />
      </label>
      <button type="submit" disabled={busy}>Send me a passcode</button>
      {message && <p role="alert">{message}</p>}
    </form>
  ) : (
    <form className="card" onSubmit={authenticate} data-step="authenticate">
      <h2>Check your email</h2>
      <p>We sent a 6-digit passcode to <strong>{email}</strong>.</p>
      <label>
        Passcode
        <input name="passcode" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6}
          value={passcode} onChange={e => setPasscode(e.target.value)} required />
      </label>
      <button type="submit" disabled={busy}>Sign in</button>
      <button type="button" className="link" onClick={() => { setStep('email'); setPasscode(''); setMessage('') }}>
        Use another email
      </button>
      {message && <p role="alert">{message}</p>}
    </form>
  )
}

const money = amount => amount == null ? '—' : amount.toLocaleString('en-US', { style: 'currency', currency: 'USD' })

function Dashboard({ connectorId }) {
  const { revokeSession } = useQuilttSession()
  const accounts = useQuery(ACCOUNTS)
  const transactions = useQuery(TRANSACTIONS)
  const [events, setEvents] = useState([])
  const [connector, setConnector] = useState('')

  // The only path by which new data reaches the lists: a subscription event, then a refetch. The Connector's own
  // exit callback deliberately refreshes nothing, so the page updating proves the live link works.
  const received = useCallback(
    name => ({ client, data }) => {
      const payload = data.data?.[name]
      const record = payload?.connection ?? payload?.account
      setEvents(list => [...list, { name, id: record?.id ?? '?' }])
      client.refetchQueries({ include: [ACCOUNTS, TRANSACTIONS] })
    },
    [],
  )
  const connectionCreated = useSubscription(CONNECTION_CREATED, { onData: received('connectionCreated') })
  const accountVerified = useSubscription(ACCOUNT_VERIFIED, { onData: received('accountVerified') })
  const connectionSynced = useSubscription(CONNECTION_SYNCED, { onData: received('connectionSynced') })
  const liveError = connectionCreated.error ?? accountVerified.error ?? connectionSynced.error

  const onExitSuccess = useCallback(metadata => setConnector(`Connected (connection ${metadata?.connectionId ?? '?'}).`), [])
  const onExitAbort = useCallback(() => setConnector('The Connector was closed.'), [])
  const onExitError = useCallback(() => setConnector('The Connector could not connect.'), [])

  const list = accounts.data?.accounts ?? []
  const nodes = transactions.data?.transactions?.nodes ?? []
  return (
    <>
      <section className="card">
        <div className="row">
          <span>Signed in as <strong data-testid="email">{accounts.data?.profile?.email ?? '…'}</strong></span>
          <button type="button" className="link" onClick={() => revokeSession()}>Sign out</button>
        </div>
        <div className="row">
          <span data-testid="live" data-state={liveError ? 'error' : 'listening'}>
            {liveError ? `Live updates failed: ${liveError.message}` : 'Live updates: listening'}
          </span>
          {connectorId ? (
            <QuilttButton connectorId={connectorId} onExitSuccess={onExitSuccess} onExitAbort={onExitAbort} onExitError={onExitError}>
              Connect a bank
            </QuilttButton>
          ) : (
            <span>Set a connector id in settings to connect a bank.</span>
          )}
        </div>
        {connector && <p data-testid="connector-result">{connector}</p>}
        <ul data-testid="events">
          {events.map((event, index) => <li key={index} data-event={event.name} data-record-id={event.id}>{event.name} {event.id}</li>)}
        </ul>
      </section>

      <section className="card">
        <h2>Accounts</h2>
        {accounts.error && <p role="alert">{accounts.error.message}</p>}
        {accounts.loading && !accounts.data ? <p>Loading…</p> : list.length === 0 ? (
          <p data-testid="no-accounts">No accounts yet: connect a bank.</p>
        ) : (
          <table data-testid="accounts">
            <thead><tr><th>Account</th><th>Institution</th><th>Type</th><th>Balance</th></tr></thead>
            <tbody>
              {list.map(account => (
                <tr key={account.id} data-account-id={account.id}>
                  <td>{account.name}{account.mask ? ` ••${account.mask}` : ''}{account.verified ? ' ✓' : ''}</td>
                  <td>{account.institution?.name ?? '—'}</td>
                  <td>{account.type}</td>
                  <td className="amount">{money(account.balance?.current)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card">
        <h2>Recent transactions</h2>
        {transactions.error && <p role="alert">{transactions.error.message}</p>}
        {nodes.length === 0 ? <p data-testid="no-transactions">No transactions yet.</p> : (
          <table data-testid="transactions">
            <thead><tr><th>Date</th><th>Description</th><th>Account</th><th>Amount</th></tr></thead>
            <tbody>
              {nodes.map(t => (
                <tr key={t.id} data-transaction-id={t.id}>
                  <td>{t.date}</td><td>{t.description}</td><td>{t.account?.name}</td>
                  <td className="amount">{money(t.entryType === 'DEBIT' ? -Math.abs(t.amount) : Math.abs(t.amount))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
