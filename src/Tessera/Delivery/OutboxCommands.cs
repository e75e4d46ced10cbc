using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Tessera.ApiKeys;
using Tessera.Cli;
using Tessera.Data;
using Tessera.Environments;

namespace Tessera.Delivery;

/// <summary><c>tessera outbox</c>: what Tessera sent, or captured, per environment.</summary>
internal static class OutboxCommands
{
    internal static Command Outbox()
    {
        var environment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 20 };
        var list = new Command("list", "List outbox messages; for a sandbox environment, with their text (to read a passcode)") { environment, limit };
        list.SetAction((parse, ct) => TesseraCli.WithEnvironmentAsync(parse, parse.GetValue(environment)!, async (services, env, cancellationToken) =>
        {
            var db = services.GetRequiredService<TesseraDbContext>();
            var rows = await db.OutboxMessages.AsNoTracking().Where(m => m.EnvironmentId == env.Id)
                .OrderByDescending(m => m.CreatedAt).Take(Math.Clamp(parse.GetValue(limit), 1, 10_000)).ToListAsync(cancellationToken);

            // Only a sandbox shows what a message says: anywhere else it is a live passcode for a real person.
            var outbox = services.GetRequiredService<Outbox>();
            var showContent = env.Mode == EnvironmentMode.Sandbox;
            var views = rows.Select(m => (Message: m, Content: showContent ? Read(outbox, m) : null)).ToList();

            TesseraCli.Output(parse, views.Select(v => View(v.Message, v.Content, showContent)), () =>
            {
                string[] headers = ["ID", "CHANNEL", "RECIPIENT", "PURPOSE", "STATUS", "ATTEMPTS", "CREATED"];
                TesseraCli.Table(showContent ? [.. headers, "MESSAGE"] : headers, views.Select(v =>
                {
                    string[] row = [v.Message.Id.ToString(), Name(v.Message.Channel), v.Message.Recipient, v.Message.Purpose,
                        Name(v.Message.Status), v.Message.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture), TesseraCli.Iso(v.Message.CreatedAt)];
                    return showContent ? [.. row, FirstLine(v.Content)] : row;
                }));
                if (!showContent && rows.Count > 0)
                    Console.WriteLine($"(message text is shown for SANDBOX environments only; {env.Name} is {IntrospectionApi.ModeName(env.Mode)})");
            });
            return 0;
        }, ct));
        return new Command("outbox", "Inspect messages sent or captured (sandbox: read passcodes here)") { list };
    }

    private static object View(OutboxMessage m, MessageContent? content, bool showContent)
    {
        var view = new Dictionary<string, object?>
        {
            ["id"] = m.Id,
            ["environmentId"] = m.EnvironmentId,
            ["channel"] = Name(m.Channel),
            ["recipient"] = m.Recipient,
            ["purpose"] = m.Purpose,
            ["status"] = Name(m.Status),
            ["attempts"] = m.Attempts,
            ["lastError"] = m.LastError,
            ["createdAt"] = m.CreatedAt,
            ["sentAt"] = m.SentAt,
            ["expiresAt"] = m.ExpiresAt,
        };
        // Absent, not null, outside a sandbox: nothing to find there.
        if (showContent)
        {
            view["subject"] = content?.Subject;
            view["text"] = content?.Text;
        }
        return view;
    }

    private static MessageContent? Read(Outbox outbox, OutboxMessage message)
    {
        try { return outbox.Read(message); }
        catch (System.Security.Cryptography.CryptographicException) { return new MessageContent("(unreadable: another master key?)", "(unreadable: another master key?)", null); }
    }

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    // Both templates put the passcode in the first line of the text.
    private static string FirstLine(MessageContent? content) =>
        content is null ? "(wiped after delivery)" : content.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
}
