using Microsoft.Extensions.Options;

namespace Tessera.Data;

/// <summary>Applies migrations before anything else starts, when configured to (the SQLite default).</summary>
public sealed class DatabaseStartup(DatabaseMigrator migrator, IOptions<DatabaseOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.EffectiveMigrateOnStart) await migrator.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
