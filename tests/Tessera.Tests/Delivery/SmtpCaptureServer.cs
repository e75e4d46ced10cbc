using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Tessera.Tests.Delivery;

/// <summary>
/// A real SMTP server for the test: Python's aiosmtpd (Debian: python3-aiosmtpd) on a free loopback port. Each message
/// it accepts is parsed with Python's email package and written as one JSON file (envelope, headers, MIME parts).
/// </summary>
public sealed class SmtpCaptureServer : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";

    // Parsing with the standard library's email package keeps the test honest: it reads the message as any client would.
    private const string Script = """
        import asyncio, email, json, os, sys
        from email import policy
        from aiosmtpd.controller import Controller

        port, out, failures, delay = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])

        class Capture:
            def __init__(self):
                self.received = 0
                self.refused = 0

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
                record = {
                    "mailFrom": envelope.mail_from, "rcptTos": list(envelope.rcpt_tos),
                    "from": str(message["From"]), "to": str(message["To"]), "subject": str(message["Subject"]),
                    "contentType": message.get_content_type(), "parts": parts,
                }
                self.received += 1
                path = os.path.join(out, "%04d.json" % self.received)
                with open(path + ".tmp", "w") as f:
                    json.dump(record, f)
                os.replace(path + ".tmp", path)
                return "250 2.0.0 Accepted"

        controller = Controller(Capture(), hostname="127.0.0.1", port=port)
        controller.start()
        print("READY", flush=True)
        sys.stdin.read()  # until the test closes stdin (or dies)
        controller.stop()
        """;

    private readonly Process _process;
    private readonly string _directory;

    public int Port { get; }

    private SmtpCaptureServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    /// <param name="refuseFirst">Answer the first N messages with 451 (a temporary failure).</param>
    /// <param name="delaySeconds">Wait this long after the message's data before taking it (a slow relay).</param>
    public static async Task<SmtpCaptureServer> StartAsync(int refuseFirst = 0, double delaySeconds = 0)
    {
        if (!File.Exists(Python))
            throw new InvalidOperationException($"{Python} not found: the SMTP tests need Debian's python3 with python3-aiosmtpd.");
        var directory = Directory.CreateTempSubdirectory("tessera-smtp-").FullName;
        var script = Path.Combine(directory, "capture.py");
        await File.WriteAllTextAsync(script, Script);
        var mail = Directory.CreateDirectory(Path.Combine(directory, "mail")).FullName;
        var port = FreePort();

        var start = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var arg in new[] { script, port.ToString(), mail, refuseFirst.ToString(), delaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start python3.");
        var server = new SmtpCaptureServer(process, directory, port);

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
            var files = Directory.GetFiles(mail, "*.json").Order().ToList();
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
    public IReadOnlyList<JsonElement> Received() => Directory.GetFiles(Path.Combine(_directory, "mail"), "*.json").Order()
        .Select(file => JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone()).ToList();

    public int ReceivedCount => Directory.GetFiles(Path.Combine(_directory, "mail"), "*.json").Length;

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
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
