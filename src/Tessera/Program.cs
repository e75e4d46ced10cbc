using Tessera;
using Tessera.ApiKeys;
using Tessera.Cli;
using Tessera.Connectors;
using Tessera.Data;
using Tessera.DataApi;
using Tessera.Discovery;
using Tessera.Health;
using Tessera.Http;
using Tessera.Metrics;
using Tessera.OpenApi;
using Tessera.OperatorConsole;
using Tessera.Passcodes;
using Tessera.Profiles;
using Tessera.Sessions;
using Tessera.Telemetry;

return await TesseraCli.RunAsync(args);

/// <summary>The server, feature by feature. The CLI (<see cref="TesseraCli"/>) decides what to do with it.</summary>
public static partial class Program
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot() });
        builder.Services
            .AddTesseraDatabase()
            .AddHostedService<DatabaseStartup>()
            .AddTesseraSecrets()
            .AddTesseraSessions()
            .AddTesseraProfiles()
            .AddTesseraPasscodes()
            .AddTesseraDelivery()
            .AddTesseraFinancialData()
            .AddTesseraStatements()
            .AddTesseraEnvironments()
            .AddTesseraApiKeys()
            .AddTesseraClients()
            .AddTesseraConnectors()
            .AddTesseraSelfSigned()
            .AddTesseraDiscovery()
            .AddTesseraAudit()
            .AddTesseraMaintenance()
            .AddTesseraGraphQL()
            .AddTesseraWebhooks()
            .AddTesseraSubscriptions()
            .AddTesseraHttp()
            .AddTesseraOpenApi()
            .AddTesseraMetrics()
            .AddTesseraConsole();
        return builder;
    }

    public static WebApplication BuildApp(WebApplicationBuilder builder)
    {
        // Here, not in CreateBuilder: whether telemetry is on is read from the final configuration.
        var app = builder.AddTesseraTelemetry().Build();
        app.UseRequestCounting();
        app.UseQuilttVersion();
        app.UseTesseraErrors();
        app.UseTrustedProxies();
        app.UseBrowserOrigins();
        app.MapHealthApi();
        app.MapMetricsApi();
        app.MapTesseraOpenApi();
        app.MapSessionsApi();
        app.MapDiscoveryApi();
        app.MapIntrospectionApi();
        app.MapProfilesApi();
        app.MapSessionManagementApi();
        app.MapPasswordlessApi();
        app.MapTesseraGraphQL();
        app.MapImportApi();
        app.MapStatementsApi();
        app.MapConnectorApi();
        app.MapWebhooksApi();
        app.MapSubscriptionsApi();
        app.MapConsoleApi();
        return app;
    }

    /// <summary>
    /// Where appsettings.json is read from: the working directory when it has one, else beside the executable, so
    /// `dotnet run --project src/Tessera` from the repository root gets the shipped defaults.
    /// </summary>
    internal static string ContentRoot() => File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"))
        ? Directory.GetCurrentDirectory()
        : AppContext.BaseDirectory;
}
