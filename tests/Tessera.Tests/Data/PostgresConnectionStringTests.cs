using Npgsql;
using Tessera.Data;
using Xunit;

namespace Tessera.Tests.Data;

/// <summary>The hot-path defaults Tessera adds to a PostgreSQL connection string, and the operator's word over them.</summary>
public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void AutoPreparationAndNoPoolResetAreTheDefaults()
    {
        var built = new NpgsqlConnectionStringBuilder(DatabaseServiceCollectionExtensions.PostgresConnectionString("Host=db;Username=tessera;Password=p"));
        Assert.Equal(64, built.MaxAutoPrepare);
        Assert.Equal(2, built.AutoPrepareMinUsages);
        Assert.True(built.NoResetOnClose);
        Assert.Equal(5, built.Timeout);
        Assert.Equal(30, built.CommandTimeout);
        Assert.Equal("db", built.Host);
        Assert.Equal("p", built.Password);
    }

    [Fact]
    public void AValueThatMentionsAKeywordDoesNotNameIt()
    {
        var built = new NpgsqlConnectionStringBuilder(DatabaseServiceCollectionExtensions.PostgresConnectionString("Host=db;Password=MaxAutoPrepare NoResetOnClose"));
        Assert.Equal(64, built.MaxAutoPrepare);
        Assert.True(built.NoResetOnClose);
        Assert.Equal("MaxAutoPrepare NoResetOnClose", built.Password);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false;Timeout=20")]
    [InlineData("Host=db;MaxAutoPrepare=0;noresetonclose=false;timeout=20")]
    public void WhatTheOperatorSetIsKept(string configured)
    {
        var built = new NpgsqlConnectionStringBuilder(DatabaseServiceCollectionExtensions.PostgresConnectionString(configured));
        Assert.Equal(0, built.MaxAutoPrepare);
        Assert.False(built.NoResetOnClose);
        Assert.Equal(20, built.Timeout);
    }
}
