using Microsoft.EntityFrameworkCore;
using Tessera.ApiKeys;
using Tessera.Clients;
using Tessera.Data;

namespace Tessera.Environments;

/// <summary>
/// Idempotently prepares a SANDBOX environment with an API key and an email and a phone client, so a newcomer can
/// call the API seconds after one command. The API key secret is only known (and printed) when it is created.
/// </summary>
public sealed class SandboxBootstrap(TesseraDbContext db, EnvironmentAdmin environments, ApiKeyAdmin apiKeys, ClientAdmin clients)
{
    public const string EnvironmentName = "sandbox";

    public sealed record Result(TesseraEnvironment Environment, ApiKey ApiKey, string? ApiKeySecret, Client EmailClient, Client PhoneClient, bool CreatedAnything);

    public async Task<Result> EnsureAsync(CancellationToken cancellationToken)
    {
        var created = false;
        var environment = await environments.FindAsync(EnvironmentName, cancellationToken);
        if (environment is null)
        {
            environment = await environments.CreateAsync(EnvironmentName, EnvironmentMode.Sandbox, cancellationToken);
            created = true;
        }

        string? secret = null;
        var key = await db.ApiKeys.AsNoTracking().Where(k => k.EnvironmentId == environment.Id && k.RevokedAt == null)
            .OrderBy(k => k.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (key is null)
        {
            var createdKey = await apiKeys.CreateAsync(environment.Id, "default", cancellationToken);
            (key, secret, created) = (createdKey.Key, createdKey.Secret, true);
        }

        var email = await FindClientAsync(environment.Id, AuthStrategy.Email, cancellationToken);
        if (email is null) { email = await clients.CreateAsync(environment.Id, "Sandbox email", AuthStrategy.Email, signups: true, cancellationToken); created = true; }
        var phone = await FindClientAsync(environment.Id, AuthStrategy.Phone, cancellationToken);
        if (phone is null) { phone = await clients.CreateAsync(environment.Id, "Sandbox phone", AuthStrategy.Phone, signups: true, cancellationToken); created = true; }
        return new Result(environment, key, secret, email, phone, created);
    }

    private Task<Client?> FindClientAsync(string environmentId, AuthStrategy strategy, CancellationToken cancellationToken) =>
        db.Clients.AsNoTracking().Where(c => c.EnvironmentId == environmentId && c.Strategy == strategy)
            .OrderBy(c => c.CreatedAt).FirstOrDefaultAsync(cancellationToken);

    public async Task<bool> DatabaseIsEmptyAsync(CancellationToken cancellationToken) =>
        !await db.Environments.AnyAsync(cancellationToken);
}
