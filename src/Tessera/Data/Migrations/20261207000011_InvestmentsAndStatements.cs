using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>
/// Securities, account holdings and statements (<c>FinancialData/Investments.cs</c>). Scoped by environment and
/// profile like the other financial tables; deleting a profile or an account cascades. Quantities and prices are
/// numeric(28,8) on PostgreSQL and text on SQLite (EF's decimal), never computed in SQL.
/// </summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261207000011_InvestmentsAndStatements")]
public sealed class InvestmentsAndStatements : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("securities", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            profile_id = t.Column<string>(maxLength: 64),
            uuid = t.Column<Guid>(nullable: true),
            name = t.Column<string>(maxLength: 200),
            ticker = t.Column<string>(maxLength: 32, nullable: true),
            type = t.Column<string>(maxLength: 16),
            cusip = t.Column<string>(maxLength: 9, nullable: true),
            isin = t.Column<string>(maxLength: 12, nullable: true),
            created_at = t.Column<DateTime>(),
            updated_at = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_securities", x => x.id);
            t.ForeignKey("fk_securities_profiles", x => x.profile_id, "profiles", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_securities_environment_id_uuid", "securities", ["environment_id", "uuid"], unique: true);
        m.CreateIndex("ix_securities_profile_id", "securities", "profile_id");

        m.CreateTable("account_holdings", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            profile_id = t.Column<string>(maxLength: 64),
            account_id = t.Column<string>(maxLength: 64),
            security_id = t.Column<string>(maxLength: 64),
            uuid = t.Column<Guid>(nullable: true),
            quantity = t.Column<decimal>(precision: 28, scale: 8),
            price = t.Column<decimal>(precision: 28, scale: 8),
            value = t.Column<decimal>(precision: 28, scale: 8),
            cost_basis = t.Column<decimal>(precision: 28, scale: 8, nullable: true),
            at = t.Column<DateTime>(),
            remote_data_json = t.Column<string>(maxLength: 32768, nullable: true),
            created_at = t.Column<DateTime>(),
            updated_at = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_account_holdings", x => x.id);
            t.ForeignKey("fk_account_holdings_profiles", x => x.profile_id, "profiles", "id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("fk_account_holdings_accounts", x => x.account_id, "accounts", "id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("fk_account_holdings_securities", x => x.security_id, "securities", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_account_holdings_environment_id_uuid", "account_holdings", ["environment_id", "uuid"], unique: true);
        m.CreateIndex("ix_account_holdings_account_id_id", "account_holdings", ["account_id", "id"]);
        m.CreateIndex("ix_account_holdings_profile_id_environment_id", "account_holdings", ["profile_id", "environment_id"]);
        m.CreateIndex("ix_account_holdings_security_id", "account_holdings", "security_id");

        m.CreateTable("statements", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            profile_id = t.Column<string>(maxLength: 64),
            account_id = t.Column<string>(maxLength: 64),
            uuid = t.Column<Guid>(nullable: true),
            start_on = t.Column<DateOnly>(),
            end_on = t.Column<DateOnly>(),
            url = t.Column<string>(maxLength: 2048, nullable: true),
            mock_pdf = t.Column<bool>(),
            metadata_json = t.Column<string>(maxLength: 32768, nullable: true),
            created_at = t.Column<DateTime>(),
            updated_at = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_statements", x => x.id);
            t.ForeignKey("fk_statements_profiles", x => x.profile_id, "profiles", "id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("fk_statements_accounts", x => x.account_id, "accounts", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_statements_environment_id_uuid", "statements", ["environment_id", "uuid"], unique: true);
        m.CreateIndex("ix_statements_profile_environment_end_on_id", "statements", ["profile_id", "environment_id", "end_on", "id"]);
        m.CreateIndex("ix_statements_account_id_end_on_id", "statements", ["account_id", "end_on", "id"]);
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("statements");
        m.DropTable("account_holdings");
        m.DropTable("securities");
    }
}
