using Microsoft.Extensions.Options;
using Tessera.Security;

namespace Tessera.Data;

/// <summary>Applies migrations before anything else starts, when configured to (the SQLite default), then checks
/// that the master key is the database's (<see cref="MasterKeyCheck"/>).</summary>
public sealed class DatabaseStartup(DatabaseMigrator migrator, IServiceScopeFactory scopes, IOptions<DatabaseOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.EffectiveMigrateOnStart) await migrator.MigrateAsync(cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        await MasterKeyCheck.EnsureAsync(scope.ServiceProvider, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
