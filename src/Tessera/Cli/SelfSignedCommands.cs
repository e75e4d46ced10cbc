using System.CommandLine;
using System.Globalization;
using Tessera.Audit;
using Tessera.Environments;
using Tessera.SelfSigned;

namespace Tessera.Cli;

/// <summary><c>tessera signing-secrets</c>, <c>tessera environments rotate-key</c> and <c>tessera audit</c>.</summary>
internal static class SelfSignedCommands
{
    internal static Command SigningSecrets()
    {
        var environment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var create = new Command("create", "Create a signing secret for self-signed sessions (printed once)") { environment };
        create.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var env = await services.GetRequiredService<EnvironmentAdmin>().FindAsync(parse.GetValue(environment)!, cancellationToken);
            if (env is null) return TesseraCli.Fail($"No environment '{parse.GetValue(environment)}'.");
            var created = await services.GetRequiredService<SigningSecretAdmin>().CreateAsync(env.Id, cancellationToken);
            TesseraCli.Output(parse, new { id = created.Secret.Id, environmentId = env.Id, secret = created.Value }, () =>
            {
                Console.WriteLine($"Created signing secret {created.Secret.Id} in {env.Name}. Sign tokens with header kid={created.Secret.Id}.");
                Console.WriteLine($"Secret (shown once, store it now): {created.Value}");
            });
            return 0;
        }, ct));

        var listEnvironment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var list = new Command("list", "List signing secrets (never the secrets themselves)") { listEnvironment };
        list.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var env = await services.GetRequiredService<EnvironmentAdmin>().FindAsync(parse.GetValue(listEnvironment)!, cancellationToken);
            if (env is null) return TesseraCli.Fail($"No environment '{parse.GetValue(listEnvironment)}'.");
            var rows = await services.GetRequiredService<SigningSecretAdmin>().ListAsync(env.Id, cancellationToken);
            TesseraCli.Output(parse, rows.Select(s => new { id = s.Id, environmentId = s.EnvironmentId, secretHint = s.SecretHint + "…", createdAt = s.CreatedAt, revokedAt = s.RevokedAt }),
                () => TesseraCli.Table(["ID", "SECRET", "CREATED", "STATUS"],
                    rows.Select(s => new[] { s.Id, s.SecretHint + "…", TesseraCli.Iso(s.CreatedAt), s.RevokedAt is null ? "active" : "revoked " + TesseraCli.Iso(s.RevokedAt.Value) })));
            return 0;
        }, ct));

        var id = new Argument<string>("id") { Description = "The signing secret id (ss_…)" };
        var revoke = new Command("revoke", "Revoke a signing secret: every token it signed stops working everywhere") { id };
        revoke.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            if (!await services.GetRequiredService<SigningSecretAdmin>().RevokeAsync(parse.GetValue(id)!, cancellationToken))
                return TesseraCli.Fail($"No active signing secret '{parse.GetValue(id)}'.");
            TesseraCli.Output(parse, new { id = parse.GetValue(id), revoked = true }, () => Console.WriteLine($"Revoked {parse.GetValue(id)}."));
            return 0;
        }, ct));
        return new Command("signing-secrets", "Manage secrets for self-signed sessions") { create, list, revoke };
    }

    internal static Command RotateKey()
    {
        var environment = new Argument<string>("environment") { Description = "Environment id or name" };
        var retireAfter = new Option<string>("--retire-after") { Description = "How long the previous keys keep verifying: 24h, 30m, 0s…", DefaultValueFactory = _ => "24h" };
        var command = new Command("rotate-key", "Sign new tokens with a new key; retire the old ones later") { environment, retireAfter };
        command.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            if (ParseDuration(parse.GetValue(retireAfter)!) is not { } after) return TesseraCli.Fail("--retire-after must look like 24h, 30m, 90s or 0s.");
            var admin = services.GetRequiredService<EnvironmentAdmin>();
            var env = await admin.FindAsync(parse.GetValue(environment)!, cancellationToken);
            if (env is null) return TesseraCli.Fail($"No environment '{parse.GetValue(environment)}'.");
            var key = await admin.RotateKeyAsync(env.Id, after, cancellationToken);
            var keys = await admin.ListKeysAsync(env.Id, cancellationToken);
            TesseraCli.Output(parse, new { environmentId = env.Id, activeKeyId = key.Id, keys = keys.Select(k => new { id = k.Id, createdAt = k.CreatedAt, retiresAt = k.RetiresAt }) },
                () => Console.WriteLine($"New tokens of {env.Name} are signed with {key.Id}; earlier keys retire in {parse.GetValue(retireAfter)}."));
            return 0;
        }, ct));
        return command;
    }

    internal static Command Audit()
    {
        var environment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var profile = new Option<string>("--profile") { Description = "Only this profile's events" };
        var since = new Option<string>("--since") { Description = "An ISO 8601 time, or a duration back from now (24h, 7d)" };
        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 100 };
        var command = new Command("audit", "Read the security audit log") { environment, profile, since, limit };
        command.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var env = await services.GetRequiredService<EnvironmentAdmin>().FindAsync(parse.GetValue(environment)!, cancellationToken);
            if (env is null) return TesseraCli.Fail($"No environment '{parse.GetValue(environment)}'.");
            DateTime? from = null;
            if (parse.GetValue(since) is { } raw)
            {
                if (ParseDuration(raw) is { } back) from = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime - back;
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

    /// <summary>24h, 30m, 90s, 7d → a TimeSpan; null when it is not one.</summary>
    internal static TimeSpan? ParseDuration(string raw)
    {
        if (raw.Length < 2 || !long.TryParse(raw.AsSpan(0, raw.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000) return null;
        return raw[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }
}
