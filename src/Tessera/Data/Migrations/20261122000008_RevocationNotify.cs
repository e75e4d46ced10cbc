using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>
/// PostgreSQL only: a revocation insert notifies <c>tessera_revocations</c> (sent at commit, once per statement), so
/// every instance's <c>RevocationNotifications</c> wakes its sync at once instead of at the next poll.
/// </summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261122000008_RevocationNotify")]
public sealed class RevocationNotify : Migration
{
    private bool OnPostgres => ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void Up(MigrationBuilder m)
    {
        if (!OnPostgres) return;
        m.Sql("""
            CREATE FUNCTION tessera_notify_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              PERFORM pg_notify('tessera_revocations', '');
              RETURN NULL;
            END $$;
            CREATE TRIGGER revocations_notify AFTER INSERT ON revocations
              FOR EACH STATEMENT EXECUTE FUNCTION tessera_notify_revocation();
            """);
    }

    protected override void Down(MigrationBuilder m)
    {
        if (!OnPostgres) return;
        m.Sql("DROP TRIGGER revocations_notify ON revocations; DROP FUNCTION tessera_notify_revocation();");
    }
}
