using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tessera.ApiKeys;
using Tessera.Audit;
using Tessera.Cli;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Environments;
using Tessera.FinancialData;
using Tessera.Profiles;
using Tessera.Security;
using Tessera.SelfSigned;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Cli;

/// <summary>The host of the commands that only need the database: the services they use, and not the web application.</summary>
public sealed class DatabaseHostTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tessera-cli-host-");

    public void Dispose() => _directory.Delete(recursive: true);

    private IHost Build() => DatabaseHost.Build([
        "--Database:Provider=Sqlite",
        $"--Database:ConnectionString=Data Source={Path.Combine(_directory.FullName, "tessera.db")}",
        $"--Secrets:MasterKey={TesseraInstance.MasterKey}",
    ]);

    [Fact]
    public void ItHasNoServerAndNoBackgroundServices()
    {
        using var host = Build();

        Assert.Null(host.Services.GetService<IServer>());
        Assert.Empty(host.Services.GetServices<IHostedService>());
    }

    [Fact]
    public async Task EveryServiceTheCommandsUseResolves()
    {
        using var host = Build();
        await using var scope = host.Services.CreateAsyncScope();

        Type[] used =
        [
            typeof(DatabaseMigrator), typeof(TesseraDbContext), typeof(IOptions<DatabaseOptions>), typeof(MasterKeyProvider),
            typeof(SecretProtector), typeof(TimeProvider), typeof(EnvironmentAdmin), typeof(SandboxBootstrap), typeof(ApiKeyAdmin),
            typeof(ClientAdmin), typeof(SigningSecretAdmin), typeof(AuditLog), typeof(ProfileStore), typeof(Outbox),
            typeof(FinancialDataImporter), typeof(MockBank), typeof(IOptions<ImportOptions>),
        ];
        foreach (var type in used) Assert.IsType(type, scope.ServiceProvider.GetRequiredService(type), exactMatch: false);
    }
}
