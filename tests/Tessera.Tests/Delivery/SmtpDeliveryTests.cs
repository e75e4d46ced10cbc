using System.Text.Json;
using Tessera.Delivery;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Delivery;

/// <summary>Email through a real SMTP server (aiosmtpd), read back as a mail client would.</summary>
public abstract class SmtpDeliveryTests(Backend backend, PostgresServer postgres) : DeliveryTestBase(backend, postgres)
{
    private static Dictionary<string, string?> Smtp(SmtpCaptureServer smtp) => new()
    {
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = smtp.Port.ToString(),
        ["Email:Smtp:UseTls"] = "false",
        ["Email:From"] = "Tessera <no-reply@tessera.test>",
    };

    [Fact]
    public async Task APasscodeEmailArrivesAsMultipartTextAndHtmlAndTheOutboxRowIsWiped()
    {
        var smtp = await OwnAsync(SmtpCaptureServer.StartAsync());
        var server = await StartServerAsync(FastPoll, Smtp(smtp));
        var (environment, _, _) = await server.CreateEnvironmentAsync();
        var content = MessageTemplates.PasscodeEmail("Acme <Bank>", "482913", TimeSpan.FromMinutes(10));

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Email, "ada@example.com", content, Clock.GetUtcNow().UtcDateTime.AddMinutes(10));

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal("no-reply@tessera.test", mail.Str("mailFrom"));
        Assert.Equal(["ada@example.com"], mail.GetProperty("rcptTos").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Tessera <no-reply@tessera.test>", mail.Str("from"));
        Assert.Equal("ada@example.com", mail.Str("to"));
        Assert.Equal("482913 is your Acme <Bank> sign-in code", mail.Str("subject"));
        Assert.Equal("multipart/alternative", mail.Str("contentType"));
        var parts = mail.GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(["text/plain", "text/html"], parts.Select(p => p.Str("contentType")));
        Assert.Equal(Normalize(content.Text), Normalize(parts[0].Str("content")));
        Assert.StartsWith("Your Acme <Bank> sign-in code is 482913", parts[0].Str("content"));
        Assert.Equal(Normalize(content.Html!), Normalize(parts[1].Str("content")));
        Assert.Contains("Acme &lt;Bank&gt;", parts[1].Str("content"));

        var row = await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Sent, "the message to be marked sent");
        Assert.Null(row.ProtectedContent);
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, row.SentAt);
        Assert.Equal(1, row.Attempts);
        Assert.Null(row.LockedUntil);
    }

    [Fact]
    public async Task ATemporarySmtpRefusalIsRetriedAfterTheBackoff()
    {
        var smtp = await OwnAsync(SmtpCaptureServer.StartAsync(refuseFirst: 1));
        var server = await StartServerAsync(FastPoll, Smtp(smtp));
        var (environment, _, _) = await server.CreateEnvironmentAsync();
        var content = MessageTemplates.PasscodeEmail("Acme", "123456", TimeSpan.FromMinutes(10));

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Email, "grace@example.com", content, Clock.GetUtcNow().UtcDateTime.AddMinutes(10));

        var failed = await RowWhenAsync(server, id, m => m.Attempts == 1, "the first attempt");
        Assert.Equal(OutboxStatus.Pending, failed.Status);
        Assert.Contains("451", failed.LastError);
        Assert.DoesNotContain("123456", failed.LastError);
        Assert.NotNull(failed.ProtectedContent);
        Assert.Equal(0, smtp.ReceivedCount);

        Clock.Set(failed.NextAttemptAt);
        await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var sent = await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Sent, "the retry to succeed");
        Assert.Equal(2, sent.Attempts);
        Assert.Null(sent.ProtectedContent);
    }

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd();
}

public sealed class SmtpDeliveryTestsOnSqlite(PostgresServer postgres) : SmtpDeliveryTests(Backend.Sqlite, postgres);
public sealed class SmtpDeliveryTestsOnPostgres(PostgresServer postgres) : SmtpDeliveryTests(Backend.Postgres, postgres);
