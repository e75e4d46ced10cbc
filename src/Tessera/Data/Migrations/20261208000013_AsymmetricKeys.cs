using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>
/// Public-key signing (ADR 0010): an environment's signing keys name their algorithm (HS512 for every existing key),
/// carry an ES256 key's public half in clear for the JWKS, and may be published before they start signing. A
/// signing secret may be a customer's public key (ES256 or RS256) instead of an HMAC secret.
/// </summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261208000013_AsymmetricKeys")]
public sealed class AsymmetricKeys : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.AddColumn<string>("algorithm", "signing_keys", maxLength: 16, nullable: false, defaultValue: "HS512");
        m.AddColumn<byte[]>("public_key", "signing_keys", maxLength: 1024, nullable: true);
        m.AddColumn<DateTime>("activates_at", "signing_keys", nullable: true);
        m.AddColumn<string>("algorithm", "signing_secrets", maxLength: 16, nullable: true);
        m.AddColumn<byte[]>("public_key", "signing_secrets", maxLength: 1024, nullable: true);
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropColumn("public_key", "signing_secrets");
        m.DropColumn("algorithm", "signing_secrets");
        m.DropColumn("activates_at", "signing_keys");
        m.DropColumn("public_key", "signing_keys");
        m.DropColumn("algorithm", "signing_keys");
    }
}
