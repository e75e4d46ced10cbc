using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>
/// The provider's payload imported with a connection, account, transaction or balance (GraphQL <c>remoteData</c>),
/// kept as the JSON text it was given; null when none was.
/// </summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261207000010_RemoteData")]
public sealed class RemoteData : Migration
{
    private static readonly string[] Tables = ["connections", "accounts", "transactions", "balances"];

    protected override void Up(MigrationBuilder m)
    {
        foreach (var table in Tables)
            m.AddColumn<string>("remote_data_json", table, maxLength: 262_144, nullable: true);
    }

    protected override void Down(MigrationBuilder m)
    {
        foreach (var table in Tables) m.DropColumn("remote_data_json", table);
    }
}
