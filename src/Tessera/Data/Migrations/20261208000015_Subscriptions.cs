using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>
/// PostgreSQL only: an insert into the event log (<c>events</c>) notifies <c>tessera_events</c> (sent at commit, once per
/// statement), so every instance's <c>EventNotifications</c> wakes its subscription feed at once.
/// </summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261208000015_Subscriptions")]
public sealed class Subscriptions : Migration
{
    private bool OnPostgres => ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void Up(MigrationBuilder m)
    {
        if (!OnPostgres) return;
        m.Sql("""
            CREATE FUNCTION tessera_notify_event() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              PERFORM pg_notify('tessera_events', '');
              RETURN NULL;
            END $$;
            CREATE TRIGGER events_notify AFTER INSERT ON events
              FOR EACH STATEMENT EXECUTE FUNCTION tessera_notify_event();
            """);
    }

    protected override void Down(MigrationBuilder m)
    {
        if (!OnPostgres) return;
        m.Sql("DROP TRIGGER events_notify ON events; DROP FUNCTION tessera_notify_event();");
    }
}
