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
        var create = new Command("create", "Create an environment (with its own signing key)") { name, mode };
        create.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            if (!EnvironmentAdmin.TryParseMode(parse.GetValue(mode)!, out var parsedMode)) return TesseraCli.Fail("--mode must be sandbox, development or production.");
            var admin = services.GetRequiredService<EnvironmentAdmin>();
            if (await admin.FindAsync(parse.GetValue(name)!, cancellationToken) is not null) return TesseraCli.Fail($"An environment named '{parse.GetValue(name)}' exists.");
            var environment = await admin.CreateAsync(parse.GetValue(name)!, parsedMode, cancellationToken);
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
        var command = new Command("rotate-key", "Sign new tokens with a new key; retire the old ones later") { environment, retireAfter };
        command.SetAction((parse, ct) =>
        {
            if (TesseraCli.ParseDuration(parse.GetValue(retireAfter)!) is not { } after)
                return Task.FromResult(TesseraCli.Fail("--retire-after must look like 24h, 30m, 90s or 0s."));
            return TesseraCli.WithEnvironmentAsync(parse, parse.GetValue(environment)!, async (services, env, cancellationToken) =>
            {
                var admin = services.GetRequiredService<EnvironmentAdmin>();
                var key = await admin.RotateKeyAsync(env.Id, after, cancellationToken);
                var keys = await admin.ListKeysAsync(env.Id, cancellationToken);
                TesseraCli.Output(parse, new { environmentId = env.Id, activeKeyId = key.Id, keys = keys.Select(k => new { id = k.Id, createdAt = k.CreatedAt, retiresAt = k.RetiresAt }) },
                    () => Console.WriteLine($"New tokens of {env.Name} are signed with {key.Id}; earlier keys retire in {parse.GetValue(retireAfter)}."));
                return 0;
            }, ct);
        });
        return command;
    }

    internal static object View(TesseraEnvironment e) => new { id = e.Id, name = e.Name, mode = IntrospectionApi.ModeName(e.Mode), createdAt = e.CreatedAt };
}
