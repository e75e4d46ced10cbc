using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Security;

namespace Tessera.Clients;

/// <summary>Creates, lists and updates passwordless clients.</summary>
public sealed class ClientAdmin(TesseraDbContext db, TimeProvider clock)
{
    public async Task<Client> CreateAsync(string environmentId, string name, AuthStrategy strategy, bool signups, CancellationToken cancellationToken)
    {
        var client = new Client
        {
            Id = Ids.New(Ids.ClientPrefix),
            EnvironmentId = environmentId,
            Name = name,
            Strategy = strategy,
            SignupsEnabled = signups,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Clients.Add(client);
        await db.SaveChangesAsync(cancellationToken);
        return client;
    }

    public Task<List<Client>> ListAsync(string? environmentId, CancellationToken cancellationToken) =>
        db.Clients.AsNoTracking().Where(c => environmentId == null || c.EnvironmentId == environmentId)
            .OrderBy(c => c.CreatedAt).ToListAsync(cancellationToken);

    public Task<Client?> FindAsync(string id, CancellationToken cancellationToken) =>
        db.Clients.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);

    public Task SaveAsync(CancellationToken cancellationToken) => db.SaveChangesAsync(cancellationToken);

    public static bool TryParseStrategy(string raw, out AuthStrategy strategy) =>
        Enum.TryParse(raw, ignoreCase: true, out strategy) && Enum.IsDefined(strategy);
}
