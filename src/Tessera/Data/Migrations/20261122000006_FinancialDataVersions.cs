using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>
/// A version per profile of its financial data (<see cref="FinancialData.FinancialDataVersion"/>), bumped in the
/// transaction of every write, so what is cached from that data can tell it is current.
/// </summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261122000006_FinancialDataVersions")]
public sealed class FinancialDataVersions : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("financial_data_versions", t => new
        {
            profile_id = t.Column<string>(maxLength: 64),
            version = t.Column<long>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_financial_data_versions", x => x.profile_id);
            t.ForeignKey("fk_financial_data_versions_profiles", x => x.profile_id, "profiles", "id", onDelete: ReferentialAction.Cascade);
        });
    }

    protected override void Down(MigrationBuilder m) => m.DropTable("financial_data_versions");
}
