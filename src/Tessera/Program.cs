using Tessera;
using Tessera.ApiKeys;
using Tessera.Cli;
using Tessera.Data;
using Tessera.Health;
using Tessera.Http;
using Tessera.Profiles;
using Tessera.Sessions;

return await TesseraCli.RunAsync(args);

/// <summary>The server, feature by feature. The CLI (<see cref="TesseraCli"/>) decides what to do with it.</summary>
public static partial class Program
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        builder.Services
            .AddTesseraDatabase()
            .AddHostedService<DatabaseStartup>()
            .AddTesseraSecrets()
            .AddTesseraSessions()
            .AddTesseraProfiles()
            .AddTesseraAdmin()
            .AddTesseraHttp();
        return builder;
    }

    public static WebApplication BuildApp(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseTesseraErrors();
        app.MapHealthApi();
        app.MapOpenApi();
        app.MapSessionsApi();
        app.MapIntrospectionApi();
        app.MapProfilesApi();
        return app;
    }
}
