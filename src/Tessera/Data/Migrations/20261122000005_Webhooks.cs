using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>Events, webhook subscriptions, their deliveries and every delivery attempt.</summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261122000005_Webhooks")]
public sealed class Webhooks : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("events", t => new
        {
            seq = t.Column<long>()
                .Annotation("Sqlite:Autoincrement", true)
                .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            type = t.Column<string>(maxLength: 64),
            profile_id = t.Column<string>(maxLength: 64, nullable: true),
            record_json = t.Column<string>(maxLength: 65536),
            occurred_at = t.Column<DateTime>(),
            fanned_out_at = t.Column<DateTime>(nullable: true),
        }, constraints: t => t.PrimaryKey("pk_events", x => x.seq));
        m.CreateIndex("ix_events_id", "events", "id", unique: true);
        m.CreateIndex("ix_events_fanned_out_at_seq", "events", ["fanned_out_at", "seq"]);
        m.CreateIndex("ix_events_environment_id_occurred_at", "events", ["environment_id", "occurred_at"]);

        m.CreateTable("webhook_subscriptions", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            name = t.Column<string>(maxLength: 200),
            target_url = t.Column<string>(maxLength: 2048),
            event_types = t.Column<string>(maxLength: 2048),
            protected_secret = t.Column<byte[]>(maxLength: 256),
            disabled = t.Column<bool>(),
            disabled_reason = t.Column<string>(maxLength: 1000, nullable: true),
            failing_since = t.Column<DateTime>(nullable: true),
            created_at = t.Column<DateTime>(),
            updated_at = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_webhook_subscriptions", x => x.id);
            t.ForeignKey("fk_webhook_subscriptions_environments", x => x.environment_id, "environments", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_webhook_subscriptions_environment_id_created_at", "webhook_subscriptions", ["environment_id", "created_at"]);

        m.CreateTable("webhook_deliveries", t => new
        {
            seq = t.Column<long>()
                .Annotation("Sqlite:Autoincrement", true)
                .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            id = t.Column<string>(maxLength: 64),
            subscription_id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            event_id = t.Column<string>(maxLength: 64),
            event_type = t.Column<string>(maxLength: 64),
            ordering_key = t.Column<string>(maxLength: 64),
            status = t.Column<string>(maxLength: 16),
            attempts = t.Column<int>(),
            next_attempt_at = t.Column<DateTime>(),
            locked_by = t.Column<string>(maxLength: 64, nullable: true),
            locked_until = t.Column<DateTime>(nullable: true),
            last_status_code = t.Column<int>(nullable: true),
            last_error = t.Column<string>(maxLength: 1000, nullable: true),
            replay_of = t.Column<string>(maxLength: 64, nullable: true),
            created_at = t.Column<DateTime>(),
            completed_at = t.Column<DateTime>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_webhook_deliveries", x => x.seq);
            t.ForeignKey("fk_webhook_deliveries_webhook_subscriptions", x => x.subscription_id, "webhook_subscriptions", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_webhook_deliveries_id", "webhook_deliveries", "id", unique: true);
        m.CreateIndex("ix_webhook_deliveries_status_next_attempt_at", "webhook_deliveries", ["status", "next_attempt_at"]);
        m.CreateIndex("ix_webhook_deliveries_ordering", "webhook_deliveries", ["subscription_id", "ordering_key", "status", "seq"]);
        m.CreateIndex("ix_webhook_deliveries_subscription_id_created_at", "webhook_deliveries", ["subscription_id", "created_at"]);

        m.CreateTable("webhook_attempts", t => new
        {
            id = t.Column<long>()
                .Annotation("Sqlite:Autoincrement", true)
                .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            delivery_id = t.Column<string>(maxLength: 64),
            at = t.Column<DateTime>(),
            status_code = t.Column<int>(nullable: true),
            error = t.Column<string>(maxLength: 1000, nullable: true),
            duration_ms = t.Column<int>(),
            instance = t.Column<string>(maxLength: 64),
        }, constraints: t => t.PrimaryKey("pk_webhook_attempts", x => x.id));
        m.CreateIndex("ix_webhook_attempts_delivery_id_at", "webhook_attempts", ["delivery_id", "at"]);
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("webhook_attempts");
        m.DropTable("webhook_deliveries");
        m.DropTable("webhook_subscriptions");
        m.DropTable("events");
    }
}
