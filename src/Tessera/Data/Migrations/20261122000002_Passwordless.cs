using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>Passcode challenges, the per-identifier failure log, and the delivery outbox.</summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261122000002_Passwordless")]
public sealed class Passwordless : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("passcode_challenges", t => new
        {
            id = t.Column<Guid>(),
            environment_id = t.Column<string>(maxLength: 64),
            client_id = t.Column<string>(maxLength: 64),
            identifier = t.Column<string>(maxLength: 320),
            profile_id = t.Column<string>(maxLength: 64, nullable: true),
            code_hash = t.Column<byte[]>(maxLength: 32),
            created_at = t.Column<DateTime>(),
            expires_at = t.Column<DateTime>(),
            failed_attempts = t.Column<int>(),
            consumed_at = t.Column<DateTime>(nullable: true),
            ip_address = t.Column<string>(maxLength: 64, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_passcode_challenges", x => x.id);
            t.ForeignKey("fk_passcode_challenges_environments", x => x.environment_id, "environments", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_passcode_challenges_identifier", "passcode_challenges", ["environment_id", "identifier", "created_at"]);
        m.CreateIndex("ix_passcode_challenges_ip", "passcode_challenges", ["ip_address", "created_at"]);
        m.CreateIndex("ix_passcode_challenges_environment", "passcode_challenges", ["environment_id", "created_at"]);

        m.CreateTable("passcode_failures", t => new
        {
            id = t.Column<long>()
                .Annotation("Sqlite:Autoincrement", true)
                .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            environment_id = t.Column<string>(maxLength: 64),
            identifier = t.Column<string>(maxLength: 320),
            at = t.Column<DateTime>(),
        }, constraints: t => t.PrimaryKey("pk_passcode_failures", x => x.id));
        m.CreateIndex("ix_passcode_failures_identifier", "passcode_failures", ["environment_id", "identifier", "at"]);

        m.CreateTable("outbox_messages", t => new
        {
            id = t.Column<Guid>(),
            environment_id = t.Column<string>(maxLength: 64),
            channel = t.Column<string>(maxLength: 16),
            recipient = t.Column<string>(maxLength: 320),
            purpose = t.Column<string>(maxLength: 32),
            protected_content = t.Column<byte[]>(maxLength: 65536, nullable: true),
            status = t.Column<string>(maxLength: 16),
            attempts = t.Column<int>(),
            created_at = t.Column<DateTime>(),
            next_attempt_at = t.Column<DateTime>(),
            locked_until = t.Column<DateTime>(nullable: true),
            locked_by = t.Column<string>(maxLength: 64, nullable: true),
            sent_at = t.Column<DateTime>(nullable: true),
            last_error = t.Column<string>(maxLength: 1000, nullable: true),
            expires_at = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_outbox_messages", x => x.id);
            t.ForeignKey("fk_outbox_messages_environments", x => x.environment_id, "environments", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_outbox_messages_due", "outbox_messages", ["status", "next_attempt_at"]);
        m.CreateIndex("ix_outbox_messages_environment", "outbox_messages", ["environment_id", "created_at"]);
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("outbox_messages");
        m.DropTable("passcode_failures");
        m.DropTable("passcode_challenges");
    }
}
