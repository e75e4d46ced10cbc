using System.CommandLine;
using Tessera.ApiKeys;
using Tessera.Cli;

namespace Tessera.Environments;

/// <summary><c>tessera environments</c>: create and list environments, and rotate their signing keys.</summary>
internal static class EnvironmentCommands
{
    internal static Command Environments()
    {
        var name = new Option<string>("--name") { Description = "A unique name", Required = true };
        var mode = new Option<string>("--mode") { Description = "sandbox | development | production", DefaultValueFactory = _ => "sandbox" };
        var algorithm = new Option<string>("--algorithm") { Description = "How its session tokens are signed: hs512 (Quiltt's) | es256 (verifiable by anyone with the JWKS)", DefaultValueFactory = _ => "hs512" };
        var create = new Command("create", "Create an environment (with its own signing key)") { name, mode, algorithm };
        create.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            if (!EnvironmentAdmin.TryParseMode(parse.GetValue(mode)!, out var parsedMode)) return TesseraCli.Fail("--mode must be sandbox, development or production.");
            if (!SigningAlgorithms.TryParse(parse.GetValue(algorithm), out var parsedAlgorithm)) return TesseraCli.Fail("--algorithm must be hs512 or es256.");
            var admin = services.GetRequiredService<EnvironmentAdmin>();
            if (await admin.FindAsync(parse.GetValue(name)!, cancellationToken) is not null) return TesseraCli.Fail($"An environment named '{parse.GetValue(name)}' exists.");
            var environment = await admin.CreateAsync(parse.GetValue(name)!, parsedMode, cancellationToken, parsedAlgorithm);
            TesseraCli.Output(parse, View(environment), () => Console.WriteLine($"Created environment {environment.Id} ({environment.Name}, {IntrospectionApi.ModeName(environment.Mode)})"));
            return 0;
        }, ct));

        var list = new Command("list", "List environments");
        list.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var rows = await services.GetRequiredService<EnvironmentAdmin>().ListAsync(cancellationToken);
            TesseraCli.Output(parse, rows.Select(View), () => TesseraCli.Table(["ID", "NAME", "MODE", "CREATED"],
                rows.Select(e => new[] { e.Id, e.Name, IntrospectionApi.ModeName(e.Mode), TesseraCli.Iso(e.CreatedAt) })));
            return 0;
        }, ct));
        return new Command("environments", "Manage environments") { create, list, RotateKey() };
    }

    private static Command RotateKey()
    {
        var environment = new Argument<string>("environment") { Description = "Environment id or name" };
        var retireAfter = new Option<string>("--retire-after") { Description = "How long the previous keys keep verifying: 24h, 30m, 0s…", DefaultValueFactory = _ => "24h" };
        var algorithm = new Option<string>("--algorithm") { Description = "hs512 | es256; unset keeps the current algorithm" };
        var activateAfter = new Option<string>("--activate-after") { Description = "Publish the new key now, sign with it from then on (gives JWKS caches time to see it): 10m, 0s…", DefaultValueFactory = _ => "0s" };
        var command = new Command("rotate-key", "Sign new tokens with a new key; retire the old ones later") { environment, retireAfter, algorithm, activateAfter };
        command.SetAction((parse, ct) =>
        {
            if (TesseraCli.ParseDuration(parse.GetValue(retireAfter)!) is not { } after)
                return Task.FromResult(TesseraCli.Fail("--retire-after must look like 24h, 30m, 90s or 0s."));
            if (TesseraCli.ParseDuration(parse.GetValue(activateAfter)!) is not { } activate)
                return Task.FromResult(TesseraCli.Fail("--activate-after must look like 10m, 90s or 0s."));
            Sessions.JwsAlgorithm? parsedAlgorithm = null;
            if (parse.GetValue(algorithm) is { } raw)
            {
                if (!SigningAlgorithms.TryParse(raw, out var chosen)) return Task.FromResult(TesseraCli.Fail("--algorithm must be hs512 or es256."));
                parsedAlgorithm = chosen;
            }
            return TesseraCli.WithEnvironmentAsync(parse, parse.GetValue(environment)!, async (services, env, cancellationToken) =>
            {
                var admin = services.GetRequiredService<EnvironmentAdmin>();
                var key = await admin.RotateKeyAsync(env.Id, after, cancellationToken, parsedAlgorithm, activate);
                var keys = await admin.ListKeysAsync(env.Id, cancellationToken);
                TesseraCli.Output(parse, new
                {
                    environmentId = env.Id, activeKeyId = key.Id, algorithm = key.Algorithm,
                    keys = keys.Select(k => new { id = k.Id, algorithm = k.Algorithm, createdAt = k.CreatedAt, activatesAt = k.ActivatesAt, retiresAt = k.RetiresAt }),
                },
                    () => Console.WriteLine($"New tokens of {env.Name} are signed with {key.Id} ({key.Algorithm}) from {TesseraCli.Iso(key.ActivatesAt ?? key.CreatedAt)}; earlier keys retire {parse.GetValue(retireAfter)} after that."));
                return 0;
            }, ct);
        });
        return command;
    }

    internal static object View(TesseraEnvironment e) => new { id = e.Id, name = e.Name, mode = IntrospectionApi.ModeName(e.Mode), createdAt = e.CreatedAt };
}
