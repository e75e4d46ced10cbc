using System.CommandLine;
using Tessera.Cli;

namespace Tessera.Clients;

/// <summary><c>tessera clients</c>: create, list and change passwordless clients.</summary>
internal static class ClientCommands
{
    internal static Command Clients()
    {
        var environment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var strategy = new Option<string>("--strategy") { Description = "email | phone", Required = true };
        var signups = new Option<string>("--signups") { Description = "on | off", DefaultValueFactory = _ => "on" };
        var name = new Option<string>("--name") { Description = "The app's name, used in messages" };
        var create = new Command("create", "Create a passwordless client") { environment, strategy, signups, name };
        create.SetAction((parse, ct) => TesseraCli.WithEnvironmentAsync(parse, parse.GetValue(environment)!, async (services, env, cancellationToken) =>
        {
            if (!ClientAdmin.TryParseStrategy(parse.GetValue(strategy)!, out var parsedStrategy)) return TesseraCli.Fail("--strategy must be email or phone.");
            if (OnOff(parse.GetValue(signups)) is not { } signupsOn) return TesseraCli.Fail("--signups must be on or off.");
            var client = await services.GetRequiredService<ClientAdmin>().CreateAsync(env.Id, parse.GetValue(name) ?? $"{env.Name} {parsedStrategy}".ToLowerInvariant(), parsedStrategy, signupsOn, cancellationToken);
            TesseraCli.Output(parse, View(client), () => Console.WriteLine($"Created client {client.Id} ({client.Strategy.ToString().ToLowerInvariant()}, signups {(client.SignupsEnabled ? "on" : "off")}) in {env.Name}"));
            return 0;
        }, ct));

        var listEnvironment = new Option<string>("--environment") { Description = "Environment id or name" };
        var list = new Command("list", "List clients") { listEnvironment };
        list.SetAction((parse, ct) => TesseraCli.WithOptionalEnvironmentAsync(parse, parse.GetValue(listEnvironment), async (services, env, cancellationToken) =>
        {
            var rows = await services.GetRequiredService<ClientAdmin>().ListAsync(env?.Id, cancellationToken);
            TesseraCli.Output(parse, rows.Select(View), () => TesseraCli.Table(["ID", "NAME", "ENVIRONMENT", "STRATEGY", "SIGNUPS", "VERIFY NEW", "ENUMERATION SAFE"],
                rows.Select(c => new[] { c.Id, c.Name, c.EnvironmentId, c.Strategy.ToString().ToLowerInvariant(), c.SignupsEnabled ? "on" : "off", c.VerifyNewProfiles ? "on" : "off", c.EnumerationSafe ? "on" : "off" })));
            return 0;
        }, ct));

        var id = new Argument<string>("id") { Description = "The client id" };
        var updateSignups = new Option<string>("--signups") { Description = "on | off" };
        var verifyNew = new Option<string>("--verify-new-profiles") { Description = "on | off: send a passcode to new identifiers too" };
        var enumerationSafe = new Option<string>("--enumeration-safe") { Description = "on | off: answer known and unknown identifiers alike (new ones prove themselves first)" };
        var origins = new Option<string>("--allowed-origins") { Description = "Space-separated origins allowed from browsers" };
        var updateName = new Option<string>("--name") { Description = "The app's name" };
        var update = new Command("update", "Change a client's settings") { id, updateSignups, verifyNew, enumerationSafe, origins, updateName };
        update.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var admin = services.GetRequiredService<ClientAdmin>();
            var client = await admin.FindAsync(parse.GetValue(id)!, cancellationToken);
            if (client is null) return TesseraCli.Fail($"No client '{parse.GetValue(id)}'.");
            if (parse.GetValue(updateSignups) is { } s) { if (OnOff(s) is { } on) client.SignupsEnabled = on; else return TesseraCli.Fail("--signups must be on or off."); }
            if (parse.GetValue(verifyNew) is { } v) { if (OnOff(v) is { } on) client.VerifyNewProfiles = on; else return TesseraCli.Fail("--verify-new-profiles must be on or off."); }
            if (parse.GetValue(enumerationSafe) is { } e) { if (OnOff(e) is { } on) client.EnumerationSafe = on; else return TesseraCli.Fail("--enumeration-safe must be on or off."); }
            if (parse.GetValue(origins) is { } o) client.AllowedOrigins = string.IsNullOrWhiteSpace(o) ? null : o.Trim();
            if (parse.GetValue(updateName) is { } n) client.Name = n;
            await admin.SaveAsync(cancellationToken);
            TesseraCli.Output(parse, View(client), () => Console.WriteLine($"Updated client {client.Id}."));
            return 0;
        }, ct));
        return new Command("clients", "Manage passwordless clients") { create, list, update };
    }

    internal static object View(Client c) => new
    {
        id = c.Id, name = c.Name, environmentId = c.EnvironmentId, strategy = c.Strategy.ToString().ToLowerInvariant(),
        signups = c.SignupsEnabled, verifyNewProfiles = c.VerifyNewProfiles, enumerationSafe = c.EnumerationSafe, allowedOrigins = c.AllowedOrigins,
    };

    private static bool? OnOff(string? value) => value?.ToLowerInvariant() switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        _ => null,
    };
}
