using System.CommandLine;
using System.Globalization;
using Tessera.Cli;

namespace Tessera.Audit;

/// <summary><c>tessera audit</c>: read the security audit log.</summary>
internal static class AuditCommands
{
    internal static Command Audit()
    {
        var environment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var profile = new Option<string>("--profile") { Description = "Only this profile's events" };
        var since = new Option<string>("--since") { Description = "An ISO 8601 time, or a duration back from now (24h, 7d)" };
        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 100 };
        var command = new Command("audit", "Read the security audit log") { environment, profile, since, limit };
        command.SetAction((parse, ct) => TesseraCli.WithEnvironmentAsync(parse, parse.GetValue(environment)!, async (services, env, cancellationToken) =>
        {
            DateTime? from = null;
            if (parse.GetValue(since) is { } raw)
            {
                if (TesseraCli.ParseDuration(raw) is { } back) from = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime - back;
                else if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) from = at.UtcDateTime;
                else return TesseraCli.Fail("--since must be an ISO 8601 time or a duration such as 24h or 7d.");
            }
            var events = await services.GetRequiredService<AuditLog>().ReadAsync(env.Id, parse.GetValue(profile), from, Math.Clamp(parse.GetValue(limit), 1, 100_000), cancellationToken);
            TesseraCli.Output(parse, events.Select(e => new { at = e.At, action = e.Action, actor = e.Actor, profileId = e.ProfileId, subject = e.Subject, ip = e.IpAddress, detail = e.Detail }),
                () => TesseraCli.Table(["AT", "ACTION", "ACTOR", "PROFILE", "SUBJECT", "IP"],
                    events.Select(e => new[] { TesseraCli.Iso(e.At), e.Action, e.Actor, e.ProfileId ?? "", e.Subject ?? "", e.IpAddress ?? "" })));
            return 0;
        }, ct));
        return command;
    }
}
