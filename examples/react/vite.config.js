import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'

// @quiltt/react 6.x ships each shared chunk once per entry folder (dist/hooks/, dist/providers/, dist/components/,
// dist/contexts/): the same file, same content hash, four times. Bundled as they are, the QuilttSettings context
// becomes four contexts, and QuilttProvider's clientId never reaches useQuilttSession (identify then posts no client
// id: 422 "clientId is required"). This resolves every copy to one file; the package itself is left as published.
const quilttReactDist = path.dirname(createRequire(import.meta.url).resolve('@quiltt/react'))
const sharedChunk = /^\.\/([\w-]+-12s-[\w-]+\.js)$/
const dedupeQuilttChunks = {
  name: 'dedupe-quiltt-react-chunks',
  enforce: 'pre',
  resolveId(source, importer) {
    const match = sharedChunk.exec(source)
    if (!match || !importer || !path.resolve(importer).startsWith(quilttReactDist)) return null
    for (const folder of ['contexts', 'hooks', 'providers', 'components']) {
      const candidate = path.join(quilttReactDist, folder, match[1])
      if (fs.existsSync(candidate)) return candidate
    }
    return null
  },
}

// @quiltt/core reads its hosts from process.env.QUILTT_API_DOMAIN and QUILTT_API_INSECURE when its module loads
// (auth.<domain>, api.<domain>, cdn.<domain>; http/ws instead of https/wss when insecure). A browser has no
// process.env, so the values are written into the bundle here, for the SDK's code as for ours.
// The default, localhost:5080, is a `tessera serve` on this machine: browsers resolve *.localhost to loopback,
// so auth.localhost:5080, api.localhost:5080 and cdn.localhost:5080 all reach that one server.
const domain = process.env.QUILTT_API_DOMAIN || 'localhost:5080'
const insecure = process.env.QUILTT_API_INSECURE ?? String(/^localhost(:\d+)?$/.test(domain))

const sdkSettings = {
  'process.env.QUILTT_API_DOMAIN': JSON.stringify(domain),
  'process.env.QUILTT_API_INSECURE': JSON.stringify(insecure),
}

export default defineConfig({
  plugins: [dedupeQuilttChunks, react()],
  // The dev server pre-bundles dependencies with its own bundler, which applies neither: both go there too.
  optimizeDeps: { rolldownOptions: { plugins: [dedupeQuilttChunks], transform: { define: sdkSettings } } },
  define: {
    ...sdkSettings,
    'import.meta.env.QUILTT_CLIENT_ID': JSON.stringify(process.env.QUILTT_CLIENT_ID ?? ''),
    'import.meta.env.QUILTT_CONNECTOR_ID': JSON.stringify(process.env.QUILTT_CONNECTOR_ID ?? ''),
  },
  server: { host: 'localhost', port: 5173 },
  preview: { host: 'localhost', port: 4173 },
})
