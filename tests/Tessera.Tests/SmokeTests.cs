public class SmokeTests { [Xunit.Fact] public void Works() => Xunit.Assert.True(true); }
