using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Security;

namespace Tessera.Connectors;

/// <summary>Creates, lists and deletes Connector configurations.</summary>
public sealed class ConnectorAdmin(TesseraDbContext db, TimeProvider clock)
{
    /// <summary>A Connector for the client; null when there is no such client.</summary>
    public async Task<Connector?> CreateAsync(string clientId, string? name, CancellationToken cancellationToken)
    {
        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clientId, cancellationToken);
        if (client is null) return null;
        var connector = new Connector
        {
            // Lower case like Quiltt's connector ids: they end up in URLs and HTML attributes.
            Id = Connector.IdPrefix + Ids.RandomBase62(16).ToLowerInvariant(),
            EnvironmentId = client.EnvironmentId,
            ClientId = client.Id,
            Name = string.IsNullOrWhiteSpace(name) ? client.Name : name.Trim(),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Connectors.Add(connector);
        await db.SaveChangesAsync(cancellationToken);
        return connector;
    }

    public Task<List<Connector>> ListAsync(string? environmentId, CancellationToken cancellationToken) =>
        db.Connectors.AsNoTracking().Where(c => environmentId == null || c.EnvironmentId == environmentId)
            .OrderBy(c => c.CreatedAt).ToListAsync(cancellationToken);

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        await db.Connectors.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
}
