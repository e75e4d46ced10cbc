using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tessera.ApiKeys;
using Tessera.Audit;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Environments;
using Tessera.Http;
using Tessera.Profiles;
using Tessera.SelfSigned;
using Tessera.Webhooks;

namespace Tessera.Cli;

/// <summary>
/// The <c>tessera</c> command line. Tokens it does not know (such as <c>--Database:Provider=postgres</c>) are handed
/// to .NET configuration, like appsettings.json and environment variables (<c>Database__Provider</c>).
/// </summary>
/// <remarks>
/// <c>serve</c>, <c>init</c> and <c>migrate</c> are here; each feature's commands live beside it (for example
/// <see cref="EnvironmentCommands"/>) and use the helpers below.
/// </remarks>
public static class TesseraCli
{
    private static readonly Option<bool> Json = new("--json") { Description = "Machine-readable output", Recursive = true };

    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Tessera: sessions and passwordless authentication for fintech apps.")
        {
            Serve(), Init(), Migrate(), EnvironmentCommands.Environments(), ApiKeyCommands.ApiKeys(), ClientCommands.Clients(), Connectors.ConnectorCommands.Connectors(),
            ProfileCommands.Profiles(), SigningSecretCommands.SigningSecrets(), AuditCommands.Audit(), OutboxCommands.Outbox(),
            GraphQLCommands.Schema(), ImportCommands.Import(), ImportCommands.MockBank(), WebhookCommands.Webhooks(),
            BackupCommands.Backup(), BackupCommands.Restore(), OperatorConsole.ConsoleCommands.Console(),
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
            // No ProcessTerminationTimeout: System.CommandLine would end the process 2 s after SIGTERM or Ctrl+C, in the
            // middle of serve's drain. serve's host handles those signals itself (in-flight requests finish, background
            // services let go of their leases, up to HostOptions.ShutdownTimeout); other commands end as the signal says.
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
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

    private static void Print(ParseResult parse, SandboxBootstrap.Result result, string? baseUrl)
    {
        Output(parse, new
        {
            environment = EnvironmentCommands.View(result.Environment),
            apiKey = new { id = result.ApiKey.Id, secret = result.ApiKeySecret },
            emailClient = ClientCommands.View(result.EmailClient),
            phoneClient = ClientCommands.View(result.PhoneClient),
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

    // ---- what every command uses ----

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

    /// <summary>Runs a command on the environment named by <paramref name="idOrName"/>; fails when there is none.</summary>
    internal static Task<int> WithEnvironmentAsync(ParseResult parse, string idOrName, Func<IServiceProvider, TesseraEnvironment, CancellationToken, Task<int>> action, CancellationToken cancellationToken) =>
        WithOptionalEnvironmentAsync(parse, idOrName, (services, environment, ct) => action(services, environment!, ct), cancellationToken);

    /// <summary>As <see cref="WithEnvironmentAsync"/>, but no <paramref name="idOrName"/> (every environment) runs the command with null.</summary>
    internal static Task<int> WithOptionalEnvironmentAsync(ParseResult parse, string? idOrName, Func<IServiceProvider, TesseraEnvironment?, CancellationToken, Task<int>> action, CancellationToken cancellationToken) =>
        WithServicesAsync(parse, async (services, ct) =>
        {
            if (idOrName is null) return await action(services, null, ct);
            var environment = await services.GetRequiredService<EnvironmentAdmin>().FindAsync(idOrName, ct);
            return environment is null ? Fail($"No environment '{idOrName}'.") : await action(services, environment, ct);
        }, cancellationToken);

    /// <summary>Migrates when configured to (the SQLite default), then refuses a master key that is not the database's.</summary>
    private static async Task MigrateIfEmbeddedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.EffectiveMigrateOnStart)
            await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        await Security.MasterKeyCheck.EnsureAsync(services, cancellationToken);
    }

    internal static string Iso(DateTime value) => value.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

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
