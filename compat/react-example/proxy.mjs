// The browser's one way in: serves the built app on localhost:PORT and forwards every other *.localhost:PORT host
// (auth., api., cdn., …: the hosts @quiltt/core derives from its domain) to Tessera. Plain HTTP goes to one
// instance and WebSocket upgrades to another, so with two instances on one PostgreSQL an event committed where the
// Connector ran must cross to the instance holding the socket. Loopback only.
import http from 'node:http'
import net from 'node:net'
import fs from 'node:fs'
import path from 'node:path'

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' }

export const startProxy = ({ port, appDir, httpBackend, socketBackend }) => {
  const stats = { upgrades: [], requests: 0 }
  const isApp = host => host === `localhost:${port}`

  const serveApp = (request, response) => {
    const url = new URL(request.url, 'http://app')
    let file = path.join(appDir, path.normalize(url.pathname))
    if (!file.startsWith(appDir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(appDir, 'index.html')
    response.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' })
    fs.createReadStream(file).pipe(response)
  }

  const server = http.createServer((request, response) => {
    if (isApp(request.headers.host)) return serveApp(request, response)
    stats.requests++
    const target = new URL(httpBackend)
    // The Host header is kept (auth.localhost:PORT, …) so whatever Tessera builds from it points back here.
    const upstream = http.request({ host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers }, answer => {
      response.writeHead(answer.statusCode, answer.headers)
      answer.pipe(response)
    })
    upstream.on('error', error => { response.writeHead(502); response.end(`proxy: ${error.message}`) })
    request.pipe(upstream)
  })

  server.on('upgrade', (request, socket, head) => {
    const target = new URL(socketBackend)
    stats.upgrades.push({ host: request.headers.host, path: request.url.split('?')[0], backend: socketBackend })
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${request.method} ${request.url} HTTP/1.1`]
      for (let i = 0; i < request.rawHeaders.length; i += 2) lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`)
      upstream.write(lines.join('\r\n') + '\r\n\r\n')
      if (head?.length) upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    const close = () => { socket.destroy(); upstream.destroy() }
    upstream.on('error', close)
    socket.on('error', close)
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve({ stats, close: () => new Promise(done => { server.closeAllConnections(); server.close(done) }) }))
  })
}
