using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>The operator console's single-use sign-in links and its browser sessions (hashes of their secrets only).</summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261208000014_Console")]
public sealed class Console : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("console_links", t => new
        {
            id = t.Column<string>(maxLength: 64),
            secret_hash = t.Column<byte[]>(maxLength: 32),
            @operator = t.Column<string>(maxLength: 48),
            role = t.Column<string>(maxLength: 16),
            created_at = t.Column<DateTime>(),
            expires_at = t.Column<DateTime>(),
            used_at = t.Column<DateTime>(nullable: true),
        }, constraints: t => t.PrimaryKey("pk_console_links", x => x.id));
        m.CreateIndex("ix_console_links_expires_at", "console_links", "expires_at");

        m.CreateTable("console_sessions", t => new
        {
            id = t.Column<string>(maxLength: 64),
            secret_hash = t.Column<byte[]>(maxLength: 32),
            @operator = t.Column<string>(maxLength: 48),
            role = t.Column<string>(maxLength: 16),
            link_id = t.Column<string>(maxLength: 64),
            created_at = t.Column<DateTime>(),
            last_seen_at = t.Column<DateTime>(),
            revoked_at = t.Column<DateTime>(nullable: true),
            signed_out_at = t.Column<DateTime>(nullable: true),
            ip_address = t.Column<string>(maxLength: 64, nullable: true),
            user_agent = t.Column<string>(maxLength: 512, nullable: true),
        }, constraints: t => t.PrimaryKey("pk_console_sessions", x => x.id));
        m.CreateIndex("ix_console_sessions_created_at", "console_sessions", "created_at");
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("console_sessions");
        m.DropTable("console_links");
    }
}
