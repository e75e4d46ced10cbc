using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>Per-window send counts, so the passcode send limits need not count an hour of challenges on every identify.</summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261122000007_PasscodeSendCounts")]
public sealed class PasscodeSendCounts : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("passcode_send_counts", t => new
        {
            scope = t.Column<string>(maxLength: 80),
            window_index = t.Column<long>(),
            shard = t.Column<int>(),
            sends = t.Column<int>(),
        }, constraints: t => t.PrimaryKey("pk_passcode_send_counts", x => new { x.scope, x.window_index, x.shard }));
    }

    protected override void Down(MigrationBuilder m) => m.DropTable("passcode_send_counts");
}
