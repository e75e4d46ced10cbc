using Tessera.Sessions;
using Xunit;

namespace Tessera.Tests.Sessions;

/// <summary>The profile directory's in-memory generations (no database: every lookup here is a cache hit or a miss).</summary>
public sealed class ProfileDirectoryTests
{
    private static (ProfileDirectory Directory, RevocationList Revocations) Create(int generationSize)
    {
        var revocations = new RevocationList();
        return (new ProfileDirectory(null!, revocations, generationSize), revocations);
    }

    [Fact]
    public void ProfilesInUseSurviveGenerationsAndIdleOnesAreDroppedAfterTwo()
    {
        var (directory, _) = Create(generationSize: 2);
        var used = Guid.NewGuid();
        directory.Remember("env_a", "p_used", used);
        for (var i = 0; i < 10; i++)
        {
            directory.Remember("env_a", $"p_{i}", Guid.NewGuid());
            Assert.True(directory.TryGetCached("p_used", out var entry));
            Assert.Equal(("p_used", "env_a", used), (entry.ProfileId, entry.EnvironmentId, entry.Uuid));
        }
        Assert.False(directory.TryGetCached("p_0", out _));
        Assert.True(directory.TryGetCached("p_9", out _));
    }

    [Fact]
    public void AUidResolvesWithinItsEnvironmentOnly()
    {
        var (directory, _) = Create(ProfileDirectory.GenerationSize);
        var uuid = Guid.NewGuid();
        directory.Remember("env_a", "p_abc", uuid);

        Assert.Equal(ProfileDirectory.Lookup.Found, directory.TryResolveCached("env_a", "p_abc", out var byId));
        Assert.Equal("p_abc", byId!.ProfileId);
        Assert.Equal(ProfileDirectory.Lookup.Found, directory.TryResolveCached("env_a", uuid.ToString(), out var byUuid));
        Assert.Equal("p_abc", byUuid!.ProfileId);

        Assert.Equal(ProfileDirectory.Lookup.NotFound, directory.TryResolveCached("env_b", "p_abc", out _));
        Assert.Equal(ProfileDirectory.Lookup.NotCached, directory.TryResolveCached("env_b", uuid.ToString(), out _));
        Assert.Equal(ProfileDirectory.Lookup.NotCached, directory.TryResolveCached("env_a", "p_other", out _));
        Assert.Equal(ProfileDirectory.Lookup.NotFound, directory.TryResolveCached("env_a", "neither", out _));
    }

    [Fact]
    public void ADeletedProfileIsForgottenSoItsUuidCanNameANewProfile()
    {
        var (directory, revocations) = Create(ProfileDirectory.GenerationSize);
        var uuid = Guid.NewGuid();
        directory.Remember("env_a", "p_old", uuid);

        revocations.Apply(new Revocation { Kind = RevocationKind.Profile, Subject = "p_old", CreatedAt = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow.AddDays(1) });

        Assert.False(directory.TryGetCached("p_old", out _));
        Assert.Equal(ProfileDirectory.Lookup.NotCached, directory.TryResolveCached("env_a", uuid.ToString(), out _));
    }
}
