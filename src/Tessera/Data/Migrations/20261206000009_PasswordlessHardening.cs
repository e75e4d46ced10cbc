using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tessera.Data.Migrations;

/// <summary>
/// Wrong passcodes remember the caller's network and whether a live challenge was there to guess (only those count
/// against the identifier); clients may answer identify the same for known and unknown identifiers.
/// </summary>
[DbContext(typeof(TesseraDbContext))]
[Migration("20261206000009_PasswordlessHardening")]
public sealed class PasswordlessHardening : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.AddColumn<string>("ip_network", "passcode_failures", maxLength: 64, nullable: true);
        m.AddColumn<bool>("challenge_live", "passcode_failures", nullable: false, defaultValue: true);
        m.CreateIndex("ix_passcode_failures_network", "passcode_failures", ["ip_network", "at"]);
        m.AddColumn<bool>("enumeration_safe", "clients", nullable: false, defaultValue: false);
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropColumn("enumeration_safe", "clients");
        m.DropIndex("ix_passcode_failures_network", "passcode_failures");
        m.DropColumn("challenge_live", "passcode_failures");
        m.DropColumn("ip_network", "passcode_failures");
    }
}
