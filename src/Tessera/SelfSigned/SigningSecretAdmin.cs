using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Audit;
using Tessera.Data;
using Tessera.Security;
using Tessera.Sessions;

namespace Tessera.SelfSigned;

/// <summary>Creates, lists and revokes signing secrets. The secret exists in clear only in Create's return value.</summary>
public sealed class SigningSecretAdmin(TesseraDbContext db, SigningSecretRing ring, AuditLog audit, RevocationList revocations,
    IOptions<SessionTokenOptions> tokenOptions, TimeProvider clock)
{
    public const string SecretPrefix = "tss_";

    public sealed record CreatedSecret(SigningSecret Secret, string Value);

    public async Task<CreatedSecret> CreateAsync(string environmentId, CancellationToken cancellationToken, string actor = "cli")
    {
        // 43 base62 characters: over 256 random bits.
        // 86 base62 characters: over 512 bits, so the secret is a full-size HS512 key (RFC 7518 section 3.2), which
        // libraries such as Microsoft.IdentityModel require before they sign with it.
        var value = Ids.NewSecret(SecretPrefix, length: 86);
        var id = Ids.New(SigningSecret.IdPrefix);
        var secret = new SigningSecret
        {
            Id = id,
            EnvironmentId = environmentId,
            ProtectedSecret = ring.Protect(id, value),
            SecretHint = value[..10],
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.SigningSecrets.Add(secret);
        audit.Record(AuditActions.SigningSecretCreated, actor, environmentId, subject: id);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedSecret(secret, value);
    }

    /// <summary>Registers a customer's public key (<see cref="PublicKeys.TryParse"/> read it): Tessera never holds the private key.</summary>
    public async Task<SigningSecret> CreatePublicKeyAsync(string environmentId, PublicKeys.Parsed key, CancellationToken cancellationToken)
    {
        var secret = new SigningSecret
        {
            Id = Ids.New(SigningSecret.IdPrefix),
            EnvironmentId = environmentId,
            ProtectedSecret = [],
            Algorithm = PublicKeys.Name(key.Algorithm),
            PublicKey = key.SubjectPublicKeyInfo,
            SecretHint = PublicKeys.Hint(key.SubjectPublicKeyInfo),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.SigningSecrets.Add(secret);
        audit.Record(AuditActions.SigningSecretCreated, "cli", environmentId, subject: secret.Id, detail: secret.Algorithm + " public key");
        await db.SaveChangesAsync(cancellationToken);
        return secret;
    }

    public Task<List<SigningSecret>> ListAsync(string environmentId, CancellationToken cancellationToken) =>
        db.SigningSecrets.AsNoTracking().Where(s => s.EnvironmentId == environmentId).OrderBy(s => s.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>Revokes the secret and, through the revocation log, every token it signed on every instance.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken, string actor = "cli")
    {
        var secret = await db.SigningSecrets.FirstOrDefaultAsync(s => s.Id == id && s.RevokedAt == null, cancellationToken);
        if (secret is null) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        secret.RevokedAt = now;
        var revocation = new Revocation
        {
            Kind = RevocationKind.SigningSecret,
            Subject = id,
            CreatedAt = now,
            // Past this, every token the secret could have signed before now has expired.
            ExpiresAt = now + SelfSignedClaims.MaxLifetime + tokenOptions.Value.ClockSkew,
        };
        db.Revocations.Add(revocation);
        audit.Record(AuditActions.SigningSecretRevoked, actor, secret.EnvironmentId, subject: id);
        await db.SaveChangesAsync(cancellationToken);
        revocations.Apply(revocation);
        return true;
    }
}
