using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>
/// Environments, keys, clients, profiles, sessions and the revocation log. Written by hand and provider-neutral:
/// column types come from each provider's mapping of the CLR type (uuid/TEXT, timestamptz/TEXT, bytea/BLOB).
/// </summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261122000001_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("environments", t => new
        {
            id = t.Column<string>(maxLength: 64),
            name = t.Column<string>(maxLength: 200),
            mode = t.Column<string>(maxLength: 16),
            metadata_json = t.Column<string>(maxLength: 16384, nullable: true),
            created_at = t.Column<DateTime>(),
        }, constraints: t => t.PrimaryKey("pk_environments", x => x.id));
        m.CreateIndex("ix_environments_name", "environments", "name", unique: true);

        m.CreateTable("signing_keys", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            protected_key = t.Column<byte[]>(maxLength: 256),
            created_at = t.Column<DateTime>(),
            retires_at = t.Column<DateTime>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_signing_keys", x => x.id);
            t.ForeignKey("fk_signing_keys_environments", x => x.environment_id, "environments", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_signing_keys_environment_id", "signing_keys", "environment_id");

        m.CreateTable("api_keys", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            name = t.Column<string>(maxLength: 200),
            secret_hash = t.Column<byte[]>(maxLength: 32),
            secret_hint = t.Column<string>(maxLength: 16),
            metadata_json = t.Column<string>(maxLength: 16384, nullable: true),
            created_at = t.Column<DateTime>(),
            revoked_at = t.Column<DateTime>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_api_keys", x => x.id);
            t.ForeignKey("fk_api_keys_environments", x => x.environment_id, "environments", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_api_keys_secret_hash", "api_keys", "secret_hash", unique: true);
        m.CreateIndex("ix_api_keys_environment_id", "api_keys", "environment_id");

        m.CreateTable("clients", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            name = t.Column<string>(maxLength: 200),
            strategy = t.Column<string>(maxLength: 16),
            signups_enabled = t.Column<bool>(),
            verify_new_profiles = t.Column<bool>(),
            allowed_origins = t.Column<string>(maxLength: 4096, nullable: true),
            created_at = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_clients", x => x.id);
            t.ForeignKey("fk_clients_environments", x => x.environment_id, "environments", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_clients_environment_id", "clients", "environment_id");

        m.CreateTable("profiles", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            uuid = t.Column<Guid>(),
            email = t.Column<string>(maxLength: 320, nullable: true),
            email_verified_at = t.Column<DateTime>(nullable: true),
            phone = t.Column<string>(maxLength: 16, nullable: true),
            phone_verified_at = t.Column<DateTime>(nullable: true),
            name = t.Column<string>(maxLength: 200, nullable: true),
            first_name = t.Column<string>(maxLength: 100, nullable: true),
            last_name = t.Column<string>(maxLength: 100, nullable: true),
            date_of_birth = t.Column<string>(maxLength: 10, nullable: true),
            address_line1 = t.Column<string>(maxLength: 200, nullable: true),
            address_line2 = t.Column<string>(maxLength: 200, nullable: true),
            address_city = t.Column<string>(maxLength: 100, nullable: true),
            address_state = t.Column<string>(maxLength: 100, nullable: true),
            address_postal_code = t.Column<string>(maxLength: 20, nullable: true),
            address_country_code = t.Column<string>(maxLength: 2, nullable: true),
            metadata_json = t.Column<string>(maxLength: 32768, nullable: true),
            created_at = t.Column<DateTime>(),
            updated_at = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_profiles", x => x.id);
            t.ForeignKey("fk_profiles_environments", x => x.environment_id, "environments", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_profiles_environment_id_uuid", "profiles", ["environment_id", "uuid"], unique: true);
        m.CreateIndex("ix_profiles_environment_id_email", "profiles", ["environment_id", "email"], unique: true);
        m.CreateIndex("ix_profiles_environment_id_phone", "profiles", ["environment_id", "phone"], unique: true);
        m.CreateIndex("ix_profiles_environment_id_created_at_id", "profiles", ["environment_id", "created_at", "id"]);

        m.CreateTable("sessions", t => new
        {
            id = t.Column<Guid>(),
            environment_id = t.Column<string>(maxLength: 64),
            profile_id = t.Column<string>(maxLength: 64),
            kind = t.Column<string>(maxLength: 16),
            issued_by = t.Column<string>(maxLength: 64),
            client_id = t.Column<string>(maxLength: 64, nullable: true),
            issued_at = t.Column<DateTime>(),
            expires_at = t.Column<DateTime>(),
            revoked_at = t.Column<DateTime>(nullable: true),
            ip_address = t.Column<string>(maxLength: 64, nullable: true),
            user_agent = t.Column<string>(maxLength: 512, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_sessions", x => x.id);
            t.ForeignKey("fk_sessions_profiles", x => x.profile_id, "profiles", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_sessions_profile_id_issued_at", "sessions", ["profile_id", "issued_at"]);

        m.CreateTable("revocations", t => new
        {
            id = t.Column<long>()
                .Annotation("Sqlite:Autoincrement", true)
                .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            kind = t.Column<string>(maxLength: 16),
            subject = t.Column<string>(maxLength: 64),
            created_at = t.Column<DateTime>(),
            expires_at = t.Column<DateTime>(),
        }, constraints: t => t.PrimaryKey("pk_revocations", x => x.id));
        m.CreateIndex("ix_revocations_expires_at", "revocations", "expires_at");
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("revocations");
        m.DropTable("sessions");
        m.DropTable("profiles");
        m.DropTable("clients");
        m.DropTable("api_keys");
        m.DropTable("signing_keys");
        m.DropTable("environments");
    }
}
