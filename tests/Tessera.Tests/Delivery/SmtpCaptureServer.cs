using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Tessera.Tests.Delivery;

public enum SmtpCaptureTls
{
    None,
    /// <summary>STARTTLS offered and required before MAIL (port 587 style).</summary>
    StartTls,
    /// <summary>TLS from the first byte (port 465 style).</summary>
    Implicit,
}

public sealed record SmtpCaptureOptions
{
    /// <summary>Answer the first N messages with 451 (a temporary failure).</summary>
    public int RefuseFirst { get; init; }

    /// <summary>With TLS, the server's certificate is issued by a CA made for the test (<see cref="SmtpCaptureServer.TrustedCertificatePath"/>).</summary>
    public SmtpCaptureTls Tls { get; init; }

    /// <summary>Require AUTH (over TLS) with this login before MAIL; a wrong one is answered 535.</summary>
    public (string Username, string Password)? Login { get; init; }

    /// <summary>Recipients answered 550 at RCPT.</summary>
    public IReadOnlyList<string> RefusedRecipients { get; init; } = [];

    /// <summary>Close the connection right after accepting each message, as a relay with a short idle limit would.</summary>
    public bool DropAfterEachMessage { get; init; }

    /// <summary>Wait this long after the message's data before answering (a slow relay).</summary>
    public double DelaySeconds { get; init; }
}

/// <summary>
/// A real SMTP server for the test: Python's aiosmtpd (Debian: python3-aiosmtpd) on a free loopback port, with
/// STARTTLS or implicit TLS and AUTH when asked. Each message it accepts is parsed with Python's email package and
/// written as one JSON file (envelope, headers, MIME parts, and the connection it came over: its number, whether it
/// was encrypted, the login).
/// </summary>
public sealed class SmtpCaptureServer : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";

    // Parsing with the standard library's email package keeps the test honest: it reads the message as any client would.
    private const string Script = """
        import asyncio, email, json, os, ssl, sys
        from email import policy
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        with open(sys.argv[1]) as f:
            config = json.load(f)
        out, failures = config["out"], config["refuseFirst"]
        delay = float(config.get("delay", 0))

        class Capture:
            def __init__(self):
                self.received = 0
                self.refused = 0

            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address in config["refusedRecipients"]:
                    return "550 5.1.1 No such mailbox"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                if delay > 0:
                    await asyncio.sleep(delay)
                if self.refused < failures:
                    self.refused += 1
                    return "451 4.3.0 Try again later"
                raw = getattr(envelope, "original_content", None) or envelope.content
                message = email.message_from_bytes(raw, policy=policy.default)
                parts = [{"contentType": p.get_content_type(), "content": p.get_content()}
                         for p in message.walk() if not p.is_multipart()]
                login = session.auth_data.login.decode() if session.authenticated and session.auth_data else None
                record = {
                    "mailFrom": envelope.mail_from, "rcptTos": list(envelope.rcpt_tos),
                    "from": str(message["From"]), "to": str(message["To"]), "subject": str(message["Subject"]),
                    "contentType": message.get_content_type(), "parts": parts,
                    "connection": server.connection_number,
                    "tls": server.transport.get_extra_info("cipher") is not None,
                    "login": login,
                }
                self.received += 1
                path = os.path.join(out, "%04d.json" % self.received)
                with open(path + ".tmp", "w") as f:
                    json.dump(record, f)
                os.replace(path + ".tmp", path)
                if config["dropAfterEachMessage"]:
                    # After the reply below is written (close() flushes it first).
                    server.loop.call_soon(server.transport.close)
                return "250 2.0.0 Accepted"

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode(), auth_data.password.decode()) == (config["username"], config["password"])
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

        class CountingController(Controller):
            # One SMTP instance per connection (STARTTLS keeps it), so the number identifies the connection.
            connections = 0

            def factory(self):
                server = super().factory()
                CountingController.connections += 1
                server.connection_number = CountingController.connections
                return server

        kwargs = {}
        if config["tls"] != "None":
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(config["certificate"], config["key"])
            if config["tls"] == "StartTls":
                kwargs.update(tls_context=context, require_starttls=True)
            else:
                kwargs.update(ssl_context=context)
        if config["username"] is not None:
            # aiosmtpd only knows TLS it started itself (STARTTLS); with implicit TLS the whole connection is encrypted.
            kwargs.update(authenticator=authenticate, auth_required=True, auth_require_tls=config["tls"] == "StartTls")
        controller = CountingController(Capture(), hostname="127.0.0.1", port=config["port"], **kwargs)
        controller.start()
        print("READY", flush=True)
        sys.stdin.read()  # until the test closes stdin (or dies)
        controller.stop()
        """;

    private readonly Process _process;
    private readonly string _directory;

    public int Port { get; }

    /// <summary>With TLS, the PEM certificate of the CA that issued the server's certificate; otherwise null.</summary>
    public string? TrustedCertificatePath { get; }

    /// <summary>A scratch directory deleted with the server.</summary>
    public string Directory => _directory;

    private SmtpCaptureServer(Process process, string directory, int port, string? trustedCertificatePath)
    {
        _process = process;
        _directory = directory;
        Port = port;
        TrustedCertificatePath = trustedCertificatePath;
    }

    /// <param name="refuseFirst">Answer the first N messages with 451 (a temporary failure).</param>
    /// <param name="delaySeconds">Wait this long after the message's data before taking it (a slow relay).</param>
    public static Task<SmtpCaptureServer> StartAsync(int refuseFirst = 0, double delaySeconds = 0) =>
        StartAsync(new SmtpCaptureOptions { RefuseFirst = refuseFirst, DelaySeconds = delaySeconds });

    public static async Task<SmtpCaptureServer> StartAsync(SmtpCaptureOptions options)
    {
        if (!File.Exists(Python))
            throw new InvalidOperationException($"{Python} not found: the SMTP tests need Debian's python3 with python3-aiosmtpd.");
        var directory = System.IO.Directory.CreateTempSubdirectory("tessera-smtp-").FullName;
        var script = Path.Combine(directory, "capture.py");
        await File.WriteAllTextAsync(script, Script);
        var mail = System.IO.Directory.CreateDirectory(Path.Combine(directory, "mail")).FullName;
        var port = FreePort();

        string? trusted = null, certificate = null, key = null;
        if (options.Tls != SmtpCaptureTls.None)
        {
            using var authority = TestCertificateAuthority.Create("Tessera test CA");
            var issued = authority.IssueServerCertificate();
            (trusted, certificate, key) = (Path.Combine(directory, "ca.pem"), Path.Combine(directory, "server.pem"), Path.Combine(directory, "server.key"));
            await File.WriteAllTextAsync(trusted, authority.CertificatePem);
            await File.WriteAllTextAsync(certificate, issued.Certificate);
            await File.WriteAllTextAsync(key, issued.Key);
        }
        var config = Path.Combine(directory, "config.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["port"] = port,
            ["out"] = mail,
            ["refuseFirst"] = options.RefuseFirst,
            ["delay"] = options.DelaySeconds,
            ["tls"] = options.Tls.ToString(),
            ["certificate"] = certificate,
            ["key"] = key,
            ["username"] = options.Login?.Username,
            ["password"] = options.Login?.Password,
            ["refusedRecipients"] = options.RefusedRecipients,
            ["dropAfterEachMessage"] = options.DropAfterEachMessage,
        }));

        var start = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var arg in new[] { script, config }) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start python3.");
        var server = new SmtpCaptureServer(process, directory, port, trusted);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line != "READY")
            {
                var error = await process.StandardError.ReadToEndAsync(timeout.Token);
                throw new InvalidOperationException($"aiosmtpd did not start (is python3-aiosmtpd installed? apt-get install python3-aiosmtpd): {error}");
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Waits (a bounded time) until <paramref name="count"/> messages arrived; returns them in order.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForMessagesAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var mail = Path.Combine(_directory, "mail");
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var files = System.IO.Directory.GetFiles(mail, "*.json").Order().ToList();
            if (files.Count >= count)
            {
                var messages = new List<JsonElement>();
                foreach (var file in files) messages.Add(JsonDocument.Parse(await File.ReadAllTextAsync(file, cancellationToken)).RootElement.Clone());
                return messages;
            }
            if (deadline.Elapsed > timeout) throw new TimeoutException($"Expected {count} message(s) at the SMTP server, got {files.Count}.");
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Every message received so far, in order.</summary>
    public IReadOnlyList<JsonElement> Received() => System.IO.Directory.GetFiles(Path.Combine(_directory, "mail"), "*.json").Order()
        .Select(file => JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone()).ToList();

    public int ReceivedCount => System.IO.Directory.GetFiles(Path.Combine(_directory, "mail"), "*.json").Length;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        try { System.IO.Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
