using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>
/// Connections, accounts, balances and transactions of a profile (<c>FinancialData/</c>). Every table carries
/// environment_id and profile_id; deleting a profile cascades to all of it. Transaction dates are
/// <see cref="DateOnly"/>: <c>date</c> on PostgreSQL, ISO text (YYYY-MM-DD) on SQLite, so both sort them alike.
/// Money is minor units in a 64-bit integer on both.
/// </summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261122000003_FinancialData")]
public sealed class FinancialData : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("connections", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            profile_id = t.Column<string>(maxLength: 64),
            uuid = t.Column<Guid>(nullable: true),
            provider = t.Column<string>(maxLength: 16),
            status = t.Column<string>(maxLength: 32),
            institution_id = t.Column<string>(maxLength: 128, nullable: true),
            institution_name = t.Column<string>(maxLength: 200, nullable: true),
            institution_logo_url = t.Column<string>(maxLength: 2048, nullable: true),
            metadata_json = t.Column<string>(maxLength: 32768, nullable: true),
            created_at = t.Column<DateTime>(),
            updated_at = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_connections", x => x.id);
            t.ForeignKey("fk_connections_profiles", x => x.profile_id, "profiles", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_connections_environment_id_uuid", "connections", ["environment_id", "uuid"], unique: true);
        m.CreateIndex("ix_connections_profile_id_created_at", "connections", ["profile_id", "created_at"]);

        m.CreateTable("accounts", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            profile_id = t.Column<string>(maxLength: 64),
            connection_id = t.Column<string>(maxLength: 64),
            uuid = t.Column<Guid>(nullable: true),
            name = t.Column<string>(maxLength: 200),
            mask = t.Column<string>(maxLength: 32, nullable: true),
            type = t.Column<string>(maxLength: 16),
            kind = t.Column<string>(maxLength: 16),
            state = t.Column<string>(maxLength: 16),
            currency_code = t.Column<string>(maxLength: 3),
            verified = t.Column<bool>(),
            metadata_json = t.Column<string>(maxLength: 32768, nullable: true),
            created_at = t.Column<DateTime>(),
            updated_at = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_accounts", x => x.id);
            t.ForeignKey("fk_accounts_profiles", x => x.profile_id, "profiles", "id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("fk_accounts_connections", x => x.connection_id, "connections", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_accounts_environment_id_uuid", "accounts", ["environment_id", "uuid"], unique: true);
        m.CreateIndex("ix_accounts_profile_id_name_id", "accounts", ["profile_id", "name", "id"]);
        m.CreateIndex("ix_accounts_connection_id", "accounts", "connection_id");

        m.CreateTable("balances", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            profile_id = t.Column<string>(maxLength: 64),
            account_id = t.Column<string>(maxLength: 64),
            uuid = t.Column<Guid>(nullable: true),
            at = t.Column<DateTime>(),
            current = t.Column<long>(),
            available = t.Column<long>(nullable: true),
            credit_limit = t.Column<long>(nullable: true),
            created_at = t.Column<DateTime>(),
            updated_at = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_balances", x => x.id);
            t.ForeignKey("fk_balances_profiles", x => x.profile_id, "profiles", "id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("fk_balances_accounts", x => x.account_id, "accounts", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_balances_environment_id_uuid", "balances", ["environment_id", "uuid"], unique: true);
        m.CreateIndex("ix_balances_account_id_at", "balances", ["account_id", "at"]);
        m.CreateIndex("ix_balances_profile_id", "balances", "profile_id");

        m.CreateTable("transactions", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            profile_id = t.Column<string>(maxLength: 64),
            account_id = t.Column<string>(maxLength: 64),
            uuid = t.Column<Guid>(nullable: true),
            date = t.Column<DateOnly>(),
            description = t.Column<string>(maxLength: 1000),
            amount = t.Column<long>(),
            currency_code = t.Column<string>(maxLength: 3),
            entry_type = t.Column<string>(maxLength: 16),
            status = t.Column<string>(maxLength: 16),
            merchant_id = t.Column<string>(maxLength: 128, nullable: true),
            merchant_name = t.Column<string>(maxLength: 200, nullable: true),
            metadata_json = t.Column<string>(maxLength: 32768, nullable: true),
            created_at = t.Column<DateTime>(),
            updated_at = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_transactions", x => x.id);
            t.ForeignKey("fk_transactions_profiles", x => x.profile_id, "profiles", "id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("fk_transactions_accounts", x => x.account_id, "accounts", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_transactions_environment_id_uuid", "transactions", ["environment_id", "uuid"], unique: true);
        m.CreateIndex("ix_transactions_profile_environment_date_id", "transactions", ["profile_id", "environment_id", "date", "id"]);
        m.CreateIndex("ix_transactions_profile_environment_amount_id", "transactions", ["profile_id", "environment_id", "amount", "id"]);
        m.CreateIndex("ix_transactions_account_id_date_id", "transactions", ["account_id", "date", "id"]);
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("transactions");
        m.DropTable("balances");
        m.DropTable("accounts");
        m.DropTable("connections");
    }
}
