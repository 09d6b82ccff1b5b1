using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backprop.Serve.Hosting;

namespace Backprop.Serve.Tests;

/// <summary>The server as a server: Host check, CSP, body limit, malformed input, oversized problems, the API's numbers.</summary>
public sealed partial class HttpTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = fixture.Url };

    public void Dispose() => _http.Dispose();

    private async Task<string> NewSession()
    {
        var r = await _http.PostAsync("api/sessions", null);
        r.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("evil.example:PORT", false)]
    [InlineData("127.0.0.1:PORT", true)]
    [InlineData("localhost:PORT", true)]
    [InlineData("[::1]:PORT", true)]
    [InlineData("127.0.0.1:1", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("localhost.evil.example:PORT", false)]
    public async Task Host_header_must_name_this_server(string host, bool allowed)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = host.Replace("PORT", fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var response = await _http.SendAsync(request);
        if (allowed) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        else
        {
            Assert.InRange((int)response.StatusCode, 400, 499);
            Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Page_allows_only_its_own_origin_and_has_no_inline_script_or_style()
    {
        var response = await _http.GetAsync("/");
        string csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        foreach (string file in new[] { "index.html", "app.js", "train.js", "api.js", "format.js", "app.css" })
        {
            string text = await _http.GetStringAsync(file);
            Assert.DoesNotMatch(StyleAttribute(), text);
            Assert.DoesNotMatch(InlineScript(), text);
            Assert.DoesNotMatch(OtherHost(), text);
        }
    }

    [GeneratedRegex(@"\sstyle\s*=|<style", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex(@"<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=\s*""", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", RegexOptions.IgnoreCase)]
    private static partial Regex OtherHost();

    [Fact]
    public async Task Declared_body_over_the_limit_is_413_before_it_is_sent()
    {
        // A raw connection declares a huge body and sends none of it: the answer comes anyway.
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, fixture.Port);
        var stream = client.GetStream();
        string head = $"POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1:{fixture.Port}\r\nContent-Type: text/csv\r\nContent-Length: {Limits.MaxBodyBytes * 100}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int n = await stream.ReadAsync(buffer, timeout.Token);
        string answer = Encoding.ASCII.GetString(buffer, 0, n);
        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Contains("\"error\"", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413()
    {
        string id = await NewSession();
        var big = new byte[Limits.MaxBodyBytes + 1024];
        Array.Fill(big, (byte)'1');
        using var content = new StreamContent(new MemoryStream(big)); // no Content-Length: chunked
        content.Headers.ContentType = new("text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/s/{id}/data") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("load", "{")]
    [InlineData("load", "[]")]
    [InlineData("load", "null")]
    [InlineData("load", "")]
    [InlineData("load", "{\"example\": 5}")]
    [InlineData("load", "{\"example\": \"article1\", \"extra\": 1}")]
    [InlineData("load", "{\"example\": \"nonsense\"}")]
    [InlineData("load", "{\"example\": \"spirals\", \"layers\": \"64-x\"}")]
    [InlineData("load", "{\"example\": \"spirals\", \"activation\": \"swish\"}")]
    [InlineData("edit", "{\"target\": \"W\", \"layer\": 9, \"row\": 1, \"col\": 1, \"value\": 1}")]
    [InlineData("edit", "{\"target\": \"W\", \"layer\": 1, \"row\": 0, \"col\": 1, \"value\": 1}")]
    [InlineData("edit", "{\"target\": \"Q\", \"layer\": 1, \"row\": 1, \"col\": 1, \"value\": 1}")]
    [InlineData("edit", "{\"target\": \"W\", \"layer\": 1, \"row\": 1, \"col\": 1, \"value\": \"x\"}")]
    [InlineData("edit", "{\"loss\": \"hinge\"}")]
    [InlineData("network", "{\"network\": \"{\\\"format\\\": 1}\", \"inputs\": \"1,2\", \"targets\": \"1\"}")]
    [InlineData("data", "1,2\n3,oops\n")]
    public async Task Malformed_or_wrong_input_is_4xx_with_one_error_line(string path, string body)
    {
        string id = await NewSession();
        (await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"article1\"}"))).EnsureSuccessStatusCode();
        var response = await _http.PostAsync($"api/s/{id}/{path}", Json(body));
        string text = await response.Content.ReadAsStringAsync();
        Assert.InRange((int)response.StatusCode, 400, 499);
        string error = JsonDocument.Parse(text).RootElement.GetProperty("error").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal); // no stack trace
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        // The tab's state is intact: the article is still there.
        var state = JsonDocument.Parse(await _http.GetStringAsync($"api/s/{id}/state")).RootElement;
        Assert.Equal("article1", state.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Oversized_network_and_batch_are_refused_and_the_server_keeps_serving()
    {
        string id = await NewSession();
        string huge = "{\"format\": \"backprop.network/1\", \"loss\": \"mse\", \"layers\": [{\"type\": \"dense\", \"inputs\": 100000, \"outputs\": 10000}]}";
        var r1 = await _http.PostAsync($"api/s/{id}/network", Json(JsonSerializer.Serialize(new { network = huge, inputs = "1", targets = "1" })));
        Assert.Equal(HttpStatusCode.BadRequest, r1.StatusCode);
        Assert.Contains("at most", await r1.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        string small = "{\"format\": \"backprop.network/1\", \"loss\": \"mse\", \"layers\": [{\"type\": \"dense\", \"inputs\": 1, \"outputs\": 1}]}";
        string million = string.Concat(Enumerable.Repeat("0\n", 1_000_000));
        var r2 = await _http.PostAsync($"api/s/{id}/network", Json(JsonSerializer.Serialize(new { network = small, inputs = million, targets = "0" })));
        Assert.Equal(HttpStatusCode.BadRequest, r2.StatusCode);
        Assert.Contains($"at most {Playground.Limits.MaxWalkRows}", await r2.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var r3 = await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"spirals\", \"layers\": \"4096-4096\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, r3.StatusCode);

        var ok = await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"article1\"}"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Unknown_tab_is_404()
    {
        var response = await _http.GetAsync("api/s/0123456789abcdef/state");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("reload", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_gradients_equal_grad_and_edits_recompute_them()
    {
        string id = await NewSession();
        var state = JsonDocument.Parse(await (await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"article1\"}"))).Content.ReadAsStringAsync()).RootElement;
        AssertEqualsReference(state, Reference.Of("article1"));

        var edited = await _http.PostAsync($"api/s/{id}/edit", Json("{\"target\": \"W\", \"layer\": 2, \"row\": 3, \"col\": 1, \"value\": -0.75}"));
        edited.EnsureSuccessStatusCode();
        var reference = Reference.Of("article1", spec => WithWeight(spec, 1, 2, 0, -0.75));
        AssertEqualsReference(JsonDocument.Parse(await edited.Content.ReadAsStringAsync()).RootElement, reference);
    }

    [Fact]
    public async Task Training_streams_snapshots_and_hands_back_the_trained_network()
    {
        string id = await NewSession();
        (await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"xor\", \"layers\": \"8\", \"activation\": \"tanh\"}"))).EnsureSuccessStatusCode();
        string before = await _http.GetStringAsync($"api/s/{id}/download/network.json");
        string stream = await _http.GetStringAsync($"api/s/{id}/train?epochs=200&lr=0.05");
        var snapshots = stream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Where(e => e.StartsWith("data: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(snapshots);
        var last = JsonDocument.Parse(snapshots[^1]["data: ".Length..]).RootElement;
        Assert.Equal(200, last.GetProperty("epoch").GetInt32());
        Assert.True(last.GetProperty("done").GetBoolean());
        Assert.Equal(2, last.GetProperty("grad_norms").GetArrayLength());
        Assert.Equal(TrainingJobGrid * TrainingJobGrid, last.GetProperty("boundary").GetProperty("cells").GetArrayLength());
        Assert.EndsWith("event: done\ndata: {}", stream.TrimEnd(), StringComparison.Ordinal);
        Assert.NotEqual(before, await _http.GetStringAsync($"api/s/{id}/download/network.json"));
        // The weight diagram's numbers are the trained network's, layer by layer (float32, as it trains).
        var trained = JsonDocument.Parse(await _http.GetStringAsync($"api/s/{id}/download/network.json")).RootElement
            .GetProperty("layers").EnumerateArray().Where(l => l.GetProperty("type").GetString() == "dense").ToList();
        var drawn = last.GetProperty("weights");
        Assert.Equal(trained.Count, drawn.GetArrayLength());
        for (int k = 0; k < trained.Count; k++)
            Assert.Equal(Numbers(trained[k].GetProperty("weights")).Select(r => r.Select(v => (float)v).ToArray()), Numbers(drawn[k]).Select(r => r.Select(v => (float)v).ToArray()));
        string history = await _http.GetStringAsync($"api/s/{id}/download/history.csv");
        Assert.Equal(201, history.Trim().Split('\n').Length);
    }

    private static List<JsonElement> Snapshots(string stream) =>
        [.. stream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Where(e => e.StartsWith("data: {\"epoch", StringComparison.Ordinal)).Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement)];

    [Fact]
    public async Task The_boundary_comes_at_most_every_100_ms_and_in_the_first_and_last_snapshot()
    {
        string id = await NewSession();
        (await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"xor\", \"layers\": \"8\"}"))).EnsureSuccessStatusCode();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await _http.GetAsync($"api/s/{id}/train?epochs=0&pace=0", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await Task.Delay(700);
        (await _http.PostAsync($"api/s/{id}/train/stop", null)).EnsureSuccessStatusCode();
        var run = Snapshots(await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        double ms = clock.Elapsed.TotalMilliseconds;
        int boundaries = run.Count(s => s.TryGetProperty("boundary", out _));
        Assert.True(run[0].TryGetProperty("boundary", out _), "the first snapshot has no boundary");
        Assert.True(run[^1].TryGetProperty("boundary", out _), "the last snapshot has no boundary");
        Assert.True(boundaries <= ms / 100 + 2, $"{boundaries} boundaries in {ms:F0} ms");
        Assert.True(boundaries < run.Count, $"every one of {run.Count} snapshots has a boundary");
    }

    [Fact]
    public async Task Hidden_charts_leave_the_boundary_and_the_weights_to_the_last_snapshot()
    {
        string id = await NewSession();
        (await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"xor\", \"layers\": \"8\"}"))).EnsureSuccessStatusCode();
        var bad = await _http.PostAsync($"api/s/{id}/train/charts?shown=yes", null);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("train/charts: shown must be 0 or 1, got 'yes'", JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());

        // Set before the run: it holds for the runs that follow. The first run on a network always streams epoch 0
        // (the untrained network) first and the last epoch last, however many snapshots the stream keeps between.
        (await _http.PostAsync($"api/s/{id}/train/charts?shown=0", null)).EnsureSuccessStatusCode();
        var hidden = Snapshots(await _http.GetStringAsync($"api/s/{id}/train?epochs=10&pace=20"));
        Assert.Equal(0, hidden[0].GetProperty("epoch").GetInt32());
        foreach (var s in hidden[..^1])
            Assert.False(s.TryGetProperty("boundary", out _) || s.TryGetProperty("weights", out _), $"epoch {s.GetProperty("epoch")} has charts while they are hidden");
        Assert.Equal(10, hidden[^1].GetProperty("epoch").GetInt32());
        Assert.True(hidden[^1].TryGetProperty("boundary", out _) && hidden[^1].TryGetProperty("weights", out _), "the last snapshot has no charts");

        // Shown again, on a fresh network: its epoch 0 comes with both.
        (await _http.PostAsync($"api/s/{id}/train/charts?shown=1", null)).EnsureSuccessStatusCode();
        (await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"xor\", \"layers\": \"8\"}"))).EnsureSuccessStatusCode();
        var shown = Snapshots(await _http.GetStringAsync($"api/s/{id}/train?epochs=10&pace=20"));
        Assert.Equal(0, shown[0].GetProperty("epoch").GetInt32());
        Assert.True(shown[0].TryGetProperty("boundary", out _) && shown[0].TryGetProperty("weights", out _), "epoch 0 of a run with its charts shown has no charts");
    }

    [Fact]
    public async Task A_run_starts_at_epoch_0_a_second_run_goes_on_counting_and_epochs_0_runs_until_stopped()
    {
        string id = await NewSession();
        (await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"xor\", \"layers\": \"8\", \"activation\": \"tanh\"}"))).EnsureSuccessStatusCode();
        var first = Snapshots(await _http.GetStringAsync($"api/s/{id}/train?epochs=3"));
        Assert.Equal(0, first[0].GetProperty("epoch").GetInt32()); // the untrained network: the curves start at epoch 0
        Assert.True(first[0].GetProperty("train_loss").GetDouble() > 0);
        Assert.Equal(3, first[^1].GetProperty("epoch").GetInt32());
        var second = Snapshots(await _http.GetStringAsync($"api/s/{id}/train?epochs=2"));
        Assert.All(second, s => Assert.True(s.GetProperty("epoch").GetInt32() > 3));
        Assert.Equal(5, second[^1].GetProperty("epoch").GetInt32());
        Assert.Equal(6, (await _http.GetStringAsync($"api/s/{id}/download/history.csv")).Trim().Split('\n').Length);

        // epochs=0: until stopped, at a pace of 20 ms an epoch.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var response = await _http.GetAsync($"api/s/{id}/train?epochs=0&pace=20", HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            await Task.Delay(600);
            (await _http.PostAsync($"api/s/{id}/train/stop", null)).EnsureSuccessStatusCode();
            var run = Snapshots(await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30)));
            int last = run[^1].GetProperty("epoch").GetInt32();
            Assert.True(last > 6, $"ran to epoch {last}");
            Assert.True(last - 5 <= clock.ElapsedMilliseconds / 20 + 1, $"{last - 5} epochs in {clock.ElapsedMilliseconds} ms at 20 ms an epoch");
            Assert.True(run[^1].GetProperty("done").GetBoolean());
            Assert.Equal(JsonValueKind.Null, run[^1].GetProperty("epochs").ValueKind);
        }
        // A new load starts counting again from 0; a regression has no accuracy.
        (await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"article1\"}"))).EnsureSuccessStatusCode();
        var article = Snapshots(await _http.GetStringAsync($"api/s/{id}/train?epochs=1"));
        Assert.Equal(0, article[0].GetProperty("epoch").GetInt32());
        Assert.Equal(JsonValueKind.Null, article[^1].GetProperty("train_accuracy").ValueKind);
        Assert.False(article[^1].GetProperty("classification").GetBoolean());
        var refused = await _http.GetAsync($"api/s/{id}/train?pace=5000");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task Several_edits_in_one_request_equal_the_same_edits_one_by_one()
    {
        string one = await NewSession(), all = await NewSession();
        foreach (string id in new[] { one, all })
            (await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"article1\"}"))).EnsureSuccessStatusCode();
        (await _http.PostAsync($"api/s/{one}/edit", Json("{\"loss\": \"sse\"}"))).EnsureSuccessStatusCode();
        (await _http.PostAsync($"api/s/{one}/edit", Json("{\"target\": \"W\", \"layer\": 1, \"row\": 1, \"col\": 1, \"value\": 0.9}"))).EnsureSuccessStatusCode();
        var sequential = await _http.PostAsync($"api/s/{one}/edit", Json("{\"target\": \"X\", \"row\": 2, \"col\": 1, \"value\": -0.5}"));
        var batched = await _http.PostAsync($"api/s/{all}/edit", Json("{\"edits\": [{\"loss\": \"sse\"}, {\"target\": \"W\", \"layer\": 1, \"row\": 1, \"col\": 1, \"value\": 0.9}, {\"target\": \"X\", \"row\": 2, \"col\": 1, \"value\": -0.5}]}"));
        Assert.Equal(await sequential.Content.ReadAsStringAsync(), await batched.Content.ReadAsStringAsync());
        var bad = await _http.PostAsync($"api/s/{all}/edit", Json("{\"edits\": [{\"target\": \"W\", \"layer\": 9, \"row\": 1, \"col\": 1, \"value\": 1}]}"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("layer 9", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_walk_takes_layer_2s_five_steps_before_layer_1s()
    {
        string id = await NewSession();
        var response = await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"article1\"}"));
        var titles = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("steps").EnumerateArray()
            .Select(s => s.GetProperty("title").GetString()!).ToList();
        int At(string start) => titles.FindIndex(t => t.StartsWith(start, StringComparison.Ordinal));
        string all = string.Join(" | ", titles);
        Assert.True(At("Layer 2, step 1") < At("Layer 2, step 2") && At("Layer 2, step 2") < At("Layer 2, step 3"), all);
        Assert.True(At("Layer 2, step 3") < At("Layer 2, step 4") && At("Layer 2, step 4") < At("Layer 2, step 5"), all);
        Assert.True(At("Layer 2, step 5") < At("Layer 1, step 1") && At("Layer 1, step 3") == titles.Count - 1, all);
        Assert.Equal(-1, At("Layer 1, step 4"));
        Assert.Equal(13, titles.Count);
    }

    private const int TrainingJobGrid = Playground.Training.TrainingJob.Grid;

    [Fact]
    public async Task Stop_ends_a_long_run_early()
    {
        string id = await NewSession();
        (await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"spirals\"}"))).EnsureSuccessStatusCode();
        using var response = await _http.GetAsync($"api/s/{id}/train?epochs={Playground.Limits.MaxEpochs}", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal); // running
        (await _http.PostAsync($"api/s/{id}/train/stop", null)).EnsureSuccessStatusCode();
        string rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("event: done", rest, StringComparison.Ordinal);
        var epochs = rest.Split('\n').Where(l => l.StartsWith("data: {\"epoch", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l[6..]).RootElement.GetProperty("epoch").GetInt32()).ToList();
        Assert.True(epochs.Count == 0 || epochs[^1] < Playground.Limits.MaxEpochs);
    }

    [Fact]
    public async Task A_closed_stream_stops_its_training()
    {
        string id = await NewSession();
        (await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"spirals\"}"))).EnsureSuccessStatusCode();
        using (var tab = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = fixture.Url })
        {
            using var response = await tab.GetAsync($"api/s/{id}/train?epochs={Playground.Limits.MaxEpochs}", HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
        } // the tab goes away: its connection closes
        await Task.Delay(1000);
        int first = (await _http.GetStringAsync($"api/s/{id}/download/history.csv")).Split('\n').Length;
        await Task.Delay(1000);
        int second = (await _http.GetStringAsync($"api/s/{id}/download/history.csv")).Split('\n').Length;
        Assert.Equal(first, second);
        Assert.True(first < Playground.Limits.MaxEpochs);
    }

    [Fact]
    public async Task Changing_the_activation_or_loss_recomputes_as_grad_would()
    {
        string id = await NewSession();
        (await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"article1\"}"))).EnsureSuccessStatusCode();
        (await _http.PostAsync($"api/s/{id}/edit", Json("{\"activation\": \"tanh\"}"))).EnsureSuccessStatusCode();
        var response = await _http.PostAsync($"api/s/{id}/edit", Json("{\"loss\": \"sse\"}"));
        var state = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var reference = Reference.Of("article1", spec => spec with
        {
            Loss = "sse",
            Layers = [.. spec.Layers.Select(l => l.Type == "dense" ? l : new Model.LayerSpec("tanh"))],
        });
        AssertEqualsReference(state, reference);
        Assert.Equal("tanh", state.GetProperty("activation").GetString());
    }

    [Theory]
    [InlineData("onnx")]
    [InlineData("safetensors")]
    [InlineData("json")]
    public async Task Network_upload_of_any_format_gives_the_gradients_of_grad(string format)
    {
        // The article's network written as the format (float64, so every weight survives), uploaded as bytes.
        var example = Explain.Examples.Load("article1");
        string file = Path.Combine(Path.GetTempPath(), $"serve-upload-{Guid.NewGuid():N}.{format}");
        try
        {
            Interop.NetworkFiles.Write(example.Network, file, Interop.NetworkFiles.ParseFormat(format), float64: true);
            static string Csv(double[][] rows) => string.Join("\n", rows.Select(r => string.Join(",", r.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))));
            string id = await NewSession();
            var body = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["network_base64"] = Convert.ToBase64String(File.ReadAllBytes(file)),
                ["network_name"] = $"article1.{format}",
                ["inputs"] = Csv(example.X),
                ["targets"] = Csv(example.T),
            });
            var response = await _http.PostAsync($"api/s/{id}/network", Json(body));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            AssertEqualsReference(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement, Reference.Of("article1"));

            var bad = await _http.PostAsync($"api/s/{id}/network", Json(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["network_base64"] = Convert.ToBase64String(File.ReadAllBytes(file)[..^7]),
                ["network_name"] = $"cut.{format}",
                ["inputs"] = Csv(example.X),
                ["targets"] = Csv(example.T),
            })));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            string error = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
            Assert.Contains($"cut.{format}", error);
            Assert.DoesNotContain('\n', error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Every_matrix_a_step_shows_is_the_one_explain_shows()
    {
        // The state names each matrix once; operands shown transposed (H¹ᵀ, W²ᵀ) must not replace their key's matrix.
        string id = await NewSession();
        var response = await _http.PostAsync($"api/s/{id}/load", Json("{\"example\": \"article1\"}"));
        response.EnsureSuccessStatusCode();
        var state = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var explain = JsonDocument.Parse(await _http.GetStringAsync($"api/s/{id}/trace")).RootElement.GetProperty("steps");
        var byStep = state.GetProperty("steps").EnumerateArray().Where(s => !s.GetProperty("title").GetString()!.Contains("rinse and repeat", StringComparison.Ordinal)).ToList();
        Assert.Equal(explain.GetArrayLength(), byStep.Count);
        int transposed = 0;
        for (int k = 0; k < byStep.Count; k++)
        {
            var shown = byStep[k].GetProperty("matrices").EnumerateArray().ToList();
            var expected = explain[k].GetProperty("matrices").EnumerateArray().ToList();
            if (byStep[k].GetProperty("equation").GetString()!.Contains("= σ(", StringComparison.Ordinal))
            {
                // H = σ(L): the page shows the L it reads first, the one the step before computed.
                Assert.Equal(expected.Count + 1, shown.Count);
                var l = explain[k - 1].GetProperty("matrices").EnumerateArray().Last();
                Assert.Equal(l.GetProperty("symbol").GetString(), shown[0].GetProperty("symbol").GetString());
                Assert.Equal(Numbers(l.GetProperty("values")), Numbers(state.GetProperty("matrices").GetProperty(shown[0].GetProperty("values").GetString()!)));
                shown.RemoveAt(0);
            }
            Assert.Equal(expected.Count, shown.Count);
            for (int m = 0; m < shown.Count; m++)
            {
                Assert.Equal(expected[m].GetProperty("symbol").GetString(), shown[m].GetProperty("symbol").GetString());
                var values = state.GetProperty("matrices").GetProperty(shown[m].GetProperty("values").GetString()!);
                Assert.Equal(Numbers(expected[m].GetProperty("values")), Numbers(values));
                if (shown[m].TryGetProperty("transposed", out _)) transposed++;
            }
        }
        Assert.True(transposed > 0, "article1's backward steps show transposed operands");
    }

    private static double[][] Numbers(JsonElement rows) =>
        [.. rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())];

    internal static Model.NetworkSpec WithWeight(Model.NetworkSpec spec, int denseIndex, int row, int col, double value)
    {
        var dense = spec.Layers.Where(l => l.Type == "dense").ElementAt(denseIndex);
        dense.Weights![row][col] = value;
        return spec;
    }

    private static void AssertEqualsReference(JsonElement state, Reference.Grad reference)
    {
        Assert.Equal(reference.Loss, state.GetProperty("loss").GetDouble());
        var layers = state.GetProperty("layers");
        Assert.Equal(reference.WeightGrads.Length, layers.GetArrayLength());
        for (int k = 0; k < reference.WeightGrads.Length; k++)
        {
            var grads = layers[k].GetProperty("weights_grad");
            for (int i = 0; i < reference.WeightGrads[k].Length; i++)
                for (int j = 0; j < reference.WeightGrads[k][i].Length; j++)
                    Assert.Equal(reference.WeightGrads[k][i][j], grads[i][j].GetDouble());
        }
    }
}
