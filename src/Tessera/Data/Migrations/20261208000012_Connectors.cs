using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>Connector configurations (ADR 0012): each belongs to a passwordless client and its environment.</summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261208000012_Connectors")]
public sealed class Connectors : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("connectors", t => new
        {
            id = t.Column<string>(maxLength: 64),
            environment_id = t.Column<string>(maxLength: 64),
            client_id = t.Column<string>(maxLength: 64),
            name = t.Column<string>(maxLength: 200),
            created_at = t.Column<DateTime>(),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_connectors", x => x.id);
            t.ForeignKey("fk_connectors_environments", x => x.environment_id, "environments", "id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("fk_connectors_clients", x => x.client_id, "clients", "id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("ix_connectors_environment_id", "connectors", "environment_id");
        m.CreateIndex("ix_connectors_client_id", "connectors", "client_id");
    }

    protected override void Down(MigrationBuilder m) => m.DropTable("connectors");
}
