using Backprop.Cli;
using Backprop.Data;
using Backprop.Model;
using Backprop.Training;

namespace Backprop.Tests.Core;

/// <summary>The library names its settings in its own words; only the CLI knows its options.</summary>
public class SettingErrorTests
{
    [Fact]
    public void Library_errors_name_the_setting_and_the_cli_maps_it_to_its_option()
    {
        var network = NetworkSpec.Mlp([2, 2, 1], "sigmoid", "mse").Build<double>();
        var e = Assert.Throws<BackpropException>(() => new Trainer<double>(network, new Sgd<double>(0.1), 0, 1));
        Assert.Equal("batch size", e.Setting);
        Assert.Equal("batch size must be at least 1, got 0", e.Message);
        Assert.DoesNotContain("--", e.Message);
        Assert.Equal("--batch must be at least 1, got 0", OptionNames.Describe(e));

        var layers = Assert.Throws<BackpropException>(() => NetworkSpec.Mlp([2], "relu", "mse"));
        Assert.Equal("layer sizes", layers.Setting);
        Assert.StartsWith("--layers need at least two", OptionNames.Describe(layers));
    }

    [Fact]
    public void An_error_without_a_setting_is_printed_as_the_library_wrote_it()
    {
        var e = Assert.Throws<BackpropException>(() => DataSources.Load("moons"));
        Assert.Null(e.Setting);
        Assert.Equal(e.Message, OptionNames.Describe(e));
    }
}
