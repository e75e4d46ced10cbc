using System.CommandLine;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.ApiKeys;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Environments;
using Tessera.Http;
using Tessera.Profiles;

namespace Tessera.Cli;

/// <summary>
/// The <c>tessera</c> command line. Tokens it does not know (such as <c>--Database:Provider=postgres</c>) are handed
/// to .NET configuration, like appsettings.json and environment variables (<c>Database__Provider</c>).
/// </summary>
public static class TesseraCli
{
    private static readonly Option<bool> Json = new("--json") { Description = "Machine-readable output", Recursive = true };

    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Tessera: sessions and passwordless authentication for fintech apps.")
        {
            Serve(), Init(), Migrate(), Environments(), ApiKeys(), Clients(), Profiles(), SelfSignedCommands.SigningSecrets(), SelfSignedCommands.Audit(),
            OutboxCommands.Outbox(), GraphQLCommands.Schema(), ImportCommands.Import(), ImportCommands.MockBank(), WebhookCommands.Webhooks(),
        };
        root.Options.Add(Json);
        root.TreatUnmatchedTokensAsErrors = false;
        return InvokeAsync(root.Parse(args));
    }

    /// <summary>Bad configuration is the operator's to fix: say which setting, without a stack trace.</summary>
    private static async Task<int> InvokeAsync(ParseResult parse)
    {
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures) await Console.Error.WriteLineAsync($"tessera: configuration error: {failure}");
            return 2;
        }
        catch (Hosting.StartupRefusedException ex)
        {
            await Console.Error.WriteLineAsync($"tessera: {ex.Message}");
            return 2;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else is unexpected (a port in use, the database gone): the whole exception helps whoever runs it.
            await Console.Error.WriteLineAsync($"tessera: {ex}");
            return 1;
        }
    }

    private static Command Serve()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var command = new Command("serve", "Run the server (prepares a sandbox environment on an empty database)") { urls };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configArgs = ConfigArgs(parse).Append($"--urls={parse.GetValue(urls)}").ToArray();
            var app = Program.BuildApp(Program.CreateBuilder(configArgs));
            await using (var scope = app.Services.CreateAsyncScope())
            {
                await MigrateIfEmbeddedAsync(scope.ServiceProvider, cancellationToken);
                var bootstrap = scope.ServiceProvider.GetRequiredService<SandboxBootstrap>();
                if (await bootstrap.DatabaseIsEmptyAsync(cancellationToken))
                    Print(parse, await bootstrap.EnsureAsync(cancellationToken), parse.GetValue(urls)!);
            }
            await app.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command Init()
    {
        var command = new Command("init", "Create (once) a sandbox environment, an API key and an email and a phone client");
        command.SetAction((parse, ct) => WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var result = await services.GetRequiredService<SandboxBootstrap>().EnsureAsync(cancellationToken);
            Print(parse, result, baseUrl: null);
            return 0;
        }, ct));
        return command;
    }

    private static Command Migrate()
    {
        var command = new Command("migrate", "Apply pending database migrations");
        command.SetAction((parse, ct) => WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var applied = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            Output(parse, new { applied }, () => Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied: {string.Join(", ", applied)}"));
            return 0;
        }, ct, migrateFirst: false));
        return command;
    }

    private static Command Environments()
    {
        var name = new Option<string>("--name") { Description = "A unique name", Required = true };
        var mode = new Option<string>("--mode") { Description = "sandbox | development | production", DefaultValueFactory = _ => "sandbox" };
        var create = new Command("create", "Create an environment (with its own signing key)") { name, mode };
        create.SetAction((parse, ct) => WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            if (!EnvironmentAdmin.TryParseMode(parse.GetValue(mode)!, out var parsedMode)) return Fail("--mode must be sandbox, development or production.");
            var admin = services.GetRequiredService<EnvironmentAdmin>();
            if (await admin.FindAsync(parse.GetValue(name)!, cancellationToken) is not null) return Fail($"An environment named '{parse.GetValue(name)}' exists.");
            var environment = await admin.CreateAsync(parse.GetValue(name)!, parsedMode, cancellationToken);
            Output(parse, View(environment), () => Console.WriteLine($"Created environment {environment.Id} ({environment.Name}, {IntrospectionApi.ModeName(environment.Mode)})"));
            return 0;
        }, ct));

        var list = new Command("list", "List environments");
        list.SetAction((parse, ct) => WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var rows = await services.GetRequiredService<EnvironmentAdmin>().ListAsync(cancellationToken);
            Output(parse, rows.Select(View), () => Table(["ID", "NAME", "MODE", "CREATED"],
                rows.Select(e => new[] { e.Id, e.Name, IntrospectionApi.ModeName(e.Mode), Iso(e.CreatedAt) })));
            return 0;
        }, ct));
        return new Command("environments", "Manage environments") { create, list, SelfSignedCommands.RotateKey() };
    }

    private static Command ApiKeys()
    {
        var environment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var name = new Option<string>("--name") { Description = "What the key is for", DefaultValueFactory = _ => "default" };
        var create = new Command("create", "Create an API key (its secret is printed once)") { environment, name };
        create.SetAction((parse, ct) => WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var env = await services.GetRequiredService<EnvironmentAdmin>().FindAsync(parse.GetValue(environment)!, cancellationToken);
            if (env is null) return Fail($"No environment '{parse.GetValue(environment)}'.");
            var created = await services.GetRequiredService<ApiKeyAdmin>().CreateAsync(env.Id, parse.GetValue(name)!, cancellationToken);
            Output(parse, new { id = created.Key.Id, name = created.Key.Name, environmentId = env.Id, secret = created.Secret }, () =>
            {
                Console.WriteLine($"Created API key {created.Key.Id} in {env.Name}.");
                Console.WriteLine($"Secret (shown once, store it now): {created.Secret}");
            });
            return 0;
        }, ct));

        var listEnvironment = new Option<string>("--environment") { Description = "Environment id or name" };
        var list = new Command("list", "List API keys (never their secrets)") { listEnvironment };
        list.SetAction((parse, ct) => WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var envId = await ResolveEnvironmentIdAsync(services, parse.GetValue(listEnvironment), cancellationToken);
            if (envId is { Length: 0 }) return Fail($"No environment '{parse.GetValue(listEnvironment)}'.");
            var rows = await services.GetRequiredService<ApiKeyAdmin>().ListAsync(envId, cancellationToken);
            Output(parse, rows.Select(k => new { id = k.Id, name = k.Name, environmentId = k.EnvironmentId, secretHint = k.SecretHint + "…", createdAt = k.CreatedAt, revokedAt = k.RevokedAt }),
                () => Table(["ID", "NAME", "ENVIRONMENT", "SECRET", "STATUS"],
                    rows.Select(k => new[] { k.Id, k.Name, k.EnvironmentId, k.SecretHint + "…", k.RevokedAt is null ? "active" : "revoked " + Iso(k.RevokedAt.Value) })));
            return 0;
        }, ct));

        var id = new Argument<string>("id") { Description = "The API key id (api_…)" };
        var revoke = new Command("revoke", "Revoke an API key") { id };
        revoke.SetAction((parse, ct) => WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            if (!await services.GetRequiredService<ApiKeyAdmin>().RevokeAsync(parse.GetValue(id)!, cancellationToken))
                return Fail($"No active API key '{parse.GetValue(id)}'.");
            Output(parse, new { id = parse.GetValue(id), revoked = true }, () => Console.WriteLine($"Revoked {parse.GetValue(id)}."));
            return 0;
        }, ct));
        return new Command("api-keys", "Manage API keys") { create, list, revoke };
    }

    private static Command Clients()
    {
        var environment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var strategy = new Option<string>("--strategy") { Description = "email | phone", Required = true };
        var signups = new Option<string>("--signups") { Description = "on | off", DefaultValueFactory = _ => "on" };
        var name = new Option<string>("--name") { Description = "The app's name, used in messages" };
        var create = new Command("create", "Create a passwordless client") { environment, strategy, signups, name };
        create.SetAction((parse, ct) => WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var env = await services.GetRequiredService<EnvironmentAdmin>().FindAsync(parse.GetValue(environment)!, cancellationToken);
            if (env is null) return Fail($"No environment '{parse.GetValue(environment)}'.");
            if (!ClientAdmin.TryParseStrategy(parse.GetValue(strategy)!, out var parsedStrategy)) return Fail("--strategy must be email or phone.");
            if (OnOff(parse.GetValue(signups)) is not { } signupsOn) return Fail("--signups must be on or off.");
            var client = await services.GetRequiredService<ClientAdmin>().CreateAsync(env.Id, parse.GetValue(name) ?? $"{env.Name} {parsedStrategy}".ToLowerInvariant(), parsedStrategy, signupsOn, cancellationToken);
            Output(parse, View(client), () => Console.WriteLine($"Created client {client.Id} ({client.Strategy.ToString().ToLowerInvariant()}, signups {(client.SignupsEnabled ? "on" : "off")}) in {env.Name}"));
            return 0;
        }, ct));

        var listEnvironment = new Option<string>("--environment") { Description = "Environment id or name" };
        var list = new Command("list", "List clients") { listEnvironment };
        list.SetAction((parse, ct) => WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var envId = await ResolveEnvironmentIdAsync(services, parse.GetValue(listEnvironment), cancellationToken);
            if (envId is { Length: 0 }) return Fail($"No environment '{parse.GetValue(listEnvironment)}'.");
            var rows = await services.GetRequiredService<ClientAdmin>().ListAsync(envId, cancellationToken);
            Output(parse, rows.Select(View), () => Table(["ID", "NAME", "ENVIRONMENT", "STRATEGY", "SIGNUPS", "VERIFY NEW", "ENUMERATION SAFE"],
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
        update.SetAction((parse, ct) => WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var admin = services.GetRequiredService<ClientAdmin>();
            var client = await admin.FindAsync(parse.GetValue(id)!, cancellationToken);
            if (client is null) return Fail($"No client '{parse.GetValue(id)}'.");
            if (parse.GetValue(updateSignups) is { } s) { if (OnOff(s) is { } on) client.SignupsEnabled = on; else return Fail("--signups must be on or off."); }
            if (parse.GetValue(verifyNew) is { } v) { if (OnOff(v) is { } on) client.VerifyNewProfiles = on; else return Fail("--verify-new-profiles must be on or off."); }
            if (parse.GetValue(enumerationSafe) is { } e) { if (OnOff(e) is { } on) client.EnumerationSafe = on; else return Fail("--enumeration-safe must be on or off."); }
            if (parse.GetValue(origins) is { } o) client.AllowedOrigins = string.IsNullOrWhiteSpace(o) ? null : o.Trim();
            if (parse.GetValue(updateName) is { } n) client.Name = n;
            await admin.SaveAsync(cancellationToken);
            Output(parse, View(client), () => Console.WriteLine($"Updated client {client.Id}."));
            return 0;
        }, ct));
        return new Command("clients", "Manage passwordless clients") { create, list, update };
    }

    private static Command Profiles()
    {
        var environment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List profiles of an environment") { environment, limit };
        list.SetAction((parse, ct) => WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var env = await services.GetRequiredService<EnvironmentAdmin>().FindAsync(parse.GetValue(environment)!, cancellationToken);
            if (env is null) return Fail($"No environment '{parse.GetValue(environment)}'.");
            var db = services.GetRequiredService<TesseraDbContext>();
            var rows = await db.Profiles.AsNoTracking().Where(p => p.EnvironmentId == env.Id)
                .OrderByDescending(p => p.CreatedAt).Take(Math.Clamp(parse.GetValue(limit), 1, 10_000)).ToListAsync(cancellationToken);
            Output(parse, rows.Select(ProfileView.From), () => Table(["ID", "UUID", "EMAIL", "PHONE", "CREATED"],
                rows.Select(p => new[] { p.Id, p.Uuid.ToString(), p.Email ?? "", p.Phone ?? "", Iso(p.CreatedAt) })));
            return 0;
        }, ct));
        return new Command("profiles", "Inspect profiles") { list };
    }

    // ---- plumbing ----

    private static IEnumerable<string> ConfigArgs(ParseResult parse) => parse.UnmatchedTokens;

    /// <summary>Runs a command on the database (<see cref="DatabaseHost"/>), migrated first when that is configured.</summary>
    internal static async Task<int> WithServicesAsync(ParseResult parse, Func<IServiceProvider, CancellationToken, Task<int>> action, CancellationToken cancellationToken, bool migrateFirst = true)
    {
        using var host = DatabaseHost.Build(ConfigArgs(parse).ToArray());
        await using var scope = host.Services.CreateAsyncScope();
        try
        {
            if (migrateFirst) await MigrateIfEmbeddedAsync(scope.ServiceProvider, cancellationToken);
            return await action(scope.ServiceProvider, cancellationToken);
        }
        catch (OptionsValidationException ex)
        {
            return Fail(ex.Message);
        }
    }

    /// <summary>Migrates when configured to (the SQLite default), then refuses a master key that is not the database's.</summary>
    private static async Task MigrateIfEmbeddedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.EffectiveMigrateOnStart)
            await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        await Security.MasterKeyCheck.EnsureAsync(services, cancellationToken);
    }

    /// <returns>"" when a name was given but matches nothing; null when none was given.</returns>
    private static async Task<string?> ResolveEnvironmentIdAsync(IServiceProvider services, string? idOrName, CancellationToken cancellationToken)
    {
        if (idOrName is null) return null;
        return (await services.GetRequiredService<EnvironmentAdmin>().FindAsync(idOrName, cancellationToken))?.Id ?? "";
    }

    private static void Print(ParseResult parse, SandboxBootstrap.Result result, string? baseUrl)
    {
        Output(parse, new
        {
            environment = View(result.Environment),
            apiKey = new { id = result.ApiKey.Id, secret = result.ApiKeySecret },
            emailClient = View(result.EmailClient),
            phoneClient = View(result.PhoneClient),
        }, () =>
        {
            Console.WriteLine(result.CreatedAnything ? "Sandbox ready:" : "Sandbox already set up:");
            Console.WriteLine($"  environment   {result.Environment.Id} ({result.Environment.Name}, SANDBOX)");
            Console.WriteLine($"  API key       {result.ApiKey.Id}");
            Console.WriteLine(result.ApiKeySecret is null
                ? "  API secret    (shown only when created; make a new one with `tessera api-keys create --environment sandbox`)"
                : $"  API secret    {result.ApiKeySecret}   <- shown once: store it now");
            Console.WriteLine($"  email client  {result.EmailClient.Id}");
            Console.WriteLine($"  phone client  {result.PhoneClient.Id}");
            if (baseUrl is not null && result.ApiKeySecret is not null)
            {
                Console.WriteLine();
                Console.WriteLine("Issue a session token:");
                Console.WriteLine($"  curl -s -X POST {baseUrl}/v1/users/sessions -H 'Authorization: Bearer {result.ApiKeySecret}' \\");
                Console.WriteLine("       -H 'Content-Type: application/json' -d '{\"email\": \"ada@example.com\"}'");
            }
            Console.WriteLine();
        });
    }

    private static object View(TesseraEnvironment e) => new { id = e.Id, name = e.Name, mode = IntrospectionApi.ModeName(e.Mode), createdAt = e.CreatedAt };

    private static object View(Client c) => new
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

    internal static string Iso(DateTime value) => value.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    internal static void Output(ParseResult parse, object json, Action text)
    {
        if (parse.GetValue(Json)) Console.WriteLine(JsonSerializer.Serialize(json, CliJson));
        else text();
    }

    private static readonly JsonSerializerOptions CliJson = new(TesseraJson.Options) { WriteIndented = true };

    internal static void Table(string[] headers, IEnumerable<string[]> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        Console.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in all) Console.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        if (all.Count == 0) Console.WriteLine("(none)");
    }

    internal static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }
}
