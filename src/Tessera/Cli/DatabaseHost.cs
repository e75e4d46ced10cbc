using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Tessera.Data;

namespace Tessera.Cli;

/// <summary>
/// What a command that only needs the database runs on: the configuration <c>serve</c> reads, logging on stderr, the
/// DbContext and the services of the features the commands use. No Kestrel, no endpoints, no background services:
/// building the whole web application would cost every command its start-up.
/// </summary>
internal static class DatabaseHost
{
    public static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = Program.ContentRoot(),
            // serve's web host also takes its environment name from here: both read the same appsettings.{name}.json.
            EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"),
        });

        // A command's stdout is its answer (often --json): logs go to stderr, warnings and worse only.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
        // EF logs its probe of a not-yet-created migrations table on a new database as a failed command; a real
        // failure still ends the command with its exception.
        builder.Logging.AddFilter<ConsoleLoggerProvider>("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);

        builder.Services
            .AddTesseraDatabase()
            .AddTesseraSecrets()
            .AddTesseraSessions()
            .AddTesseraAudit()
            .AddTesseraEnvironments()
            .AddTesseraApiKeys()
            .AddTesseraClients()
            .AddTesseraConnectors()
            .AddTesseraSelfSigned()
            .AddTesseraProfiles()
            .AddTesseraDelivery()
            .AddTesseraFinancialData()
            .AddTesseraConsole();
        // The host is never started, so the features' background services would not run; removed, nothing can
        // resolve one by accident either.
        builder.Services.RemoveAll<IHostedService>();
        return builder.Build();
    }
}
