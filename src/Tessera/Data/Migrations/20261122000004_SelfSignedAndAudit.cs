using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>Customers' signing secrets, disabling a profile, and the audit log.</summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261122000004_SelfSignedAndAudit")]
public sealed class SelfSignedAndAudit : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("signing_secrets", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            protected_secret = t.Column<byte[]>(maxLength: 256),
            secret_hint = t.Column<string>(maxLength: 16),
            created_at = t.Column<DateTime>(),
            revoked_at = t.Column<DateTime>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_signing_secrets", x => x.id);
            t.ForeignKey("fk_signing_secrets_environments", x => x.environment_id, "environments", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_signing_secrets_environment_id", "signing_secrets", "environment_id");

        m.AddColumn<DateTime>("disabled_at", "profiles", nullable: true);

        m.CreateTable("audit_events", t => new
        {
            id = t.Column<long>()
                .Annotation("Sqlite:Autoincrement", true)
                .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            at = t.Column<DateTime>(),
            action = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64, nullable: true),
            profile_id = t.Column<string>(maxLength: 64, nullable: true),
            actor = t.Column<string>(maxLength: 64),
            ip_address = t.Column<string>(maxLength: 64, nullable: true),
            subject = t.Column<string>(maxLength: 128, nullable: true),
            detail = t.Column<string>(maxLength: 1000, nullable: true),
        }, constraints: t => t.PrimaryKey("pk_audit_events", x => x.id));
        m.CreateIndex("ix_audit_events_environment_at", "audit_events", ["environment_id", "at"]);
        m.CreateIndex("ix_audit_events_profile_at", "audit_events", ["profile_id", "at"]);
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("audit_events");
        m.DropColumn("disabled_at", "profiles");
        m.DropTable("signing_secrets");
    }
}
