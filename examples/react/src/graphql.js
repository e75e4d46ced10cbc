import { gql } from '@quiltt/react'

export const ACCOUNTS = gql`
  query Accounts {
    profile { id email }
    accounts {
      id
      name
      mask
      type
      verified
      balance { current available }
      institution { name }
      connection { id status }
    }
  }
`

export const TRANSACTIONS = gql`
  query Transactions {
    transactions(first: 10) {
      nodes { id date description amount entryType account { name } }
    }
  }
`

// Pushed over the SDK's ActionCable link (api.<domain>/websockets) when the Connector creates a connection, when its
// accounts are verified and when its first sync ends; the app refetches its lists on each, and has no other
// refresh path.
export const CONNECTION_CREATED = gql`
  subscription ConnectionCreated {
    connectionCreated { connection { id status institution { name } } occurredAt }
  }
`

export const ACCOUNT_VERIFIED = gql`
  subscription AccountVerified {
    accountVerified { account { id name } occurredAt }
  }
`

export const CONNECTION_SYNCED = gql`
  subscription ConnectionSynced {
    connectionSynced { connection { id status } successful occurredAt }
  }
`
