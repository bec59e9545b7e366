"""Resolving a zoo config's node names in our exported graph (issue 23.1)."""

from zooforge.model.node_names import resolve, scope_path

GRAPH = [
    ("/stem/stem.0/act/Mul_1", "Mul"),
    ("/stages.0/attn/Div", "Div"),
    ("/stages.0/attn/Softmax", "Softmax"),
    ("/stages.0/mlp/mlp.2/Div", "Div"),
    ("/stages.0/mlp/mlp.2/Mul", "Mul"),
    ("/stages.0/mlp/fc1/Conv", "Conv"),
    ("/stages.0/mlp/fc2/Conv", "Conv"),
    ("/head/fc/Gemm", "Gemm"),
]
GRAPH = [(name, op, []) for name, op in GRAPH] + [("Gemm_7", "Gemm", ["onnx::MatMul_7", "blocks.1.fc1.bias"])]


def statuses(rows):
    return [(r["status"], r["node"]) for r in rows]


def test_scope_path_reads_the_module_path_the_exporter_wrote_as_scopes():
    assert scope_path("/stages.1/blocks/blocks.0/mlp/act/Mul") == ("stages.1.blocks.0.mlp.act", "Mul")
    assert scope_path("/patch_embed/patch_embed.0/activation/Mul_1") == ("patch_embed.0.activation", "Mul_1")
    assert scope_path("/network.7/network.7.0/token_mixer/Softmax") == ("network.7.0.token_mixer", "Softmax")
    assert scope_path("Gemm_48") == ("", "Gemm_48")


def test_exact_hb_mapper_derived_and_unresolved_names_with_the_nearest_candidates():
    rows = resolve(["/stages.0/attn/Softmax", "/stages.0/attn/Div_mul", "/patch_embed/patch_embed.0/act/Mul_1"], GRAPH)
    assert statuses(rows) == [
        ("exact", "/stages.0/attn/Softmax"),
        ("hb_mapper", "/stages.0/attn/Div"),  # hb_mapper rewrote the Div into a Mul named after it
        ("unresolved", None),
    ]
    assert rows[1]["hb_name"] == "/stages.0/attn/Div_mul"  # hb_mapper makes that node: it is given its own name
    assert rows[2]["nearest"][0] == "/stem/stem.0/act/Mul_1"  # compared as module paths: patch_embed.0.act/Mul_1


def test_a_suffix_is_only_hb_mappers_when_the_node_before_it_exists_and_it_is_a_word():
    assert resolve(["/stages.0/attn/Exp_mul"], GRAPH)[0]["status"] == "unresolved"
    # the exporter's numbering: the zoo's second Mul is not a node hb_mapper made from the first
    assert resolve(["/stem/stem.0/act/Mul_1_2"], GRAPH)[0]["status"] == "unresolved"


def test_an_op_the_other_exporter_numbered_differently_is_the_only_one_of_its_type_in_that_module():
    # FasterNet's GELU: the zoo's export split it into Mul and Mul_1, ours has one Mul
    [row] = resolve(["/stages.0/mlp/mlp.2/Mul_1"], GRAPH)
    assert (row["status"], row["node"], row["hb_name"]) == (
        "translated",
        "/stages.0/mlp/mlp.2/Mul",
        "/stages.0/mlp/mlp.2/Mul",
    )
    assert row["how"] == "the only Mul in module stages.0.mlp.2"
    # two of that type: no guess
    [row] = resolve(["/stages.0/mlp/fc3/Conv"], GRAPH)
    assert row["status"] == "unresolved" and row["how"] == "2 Conv nodes in module stages.0.mlp"


def test_a_path_our_graph_lacks_goes_through_the_translator_made_only_when_needed():
    made = []

    def translator():
        made.append(1)
        return lambda path: {
            "network.0.convffn.fc1": "stages.0.mlp.fc1",
            "network.0.activation": "stem.0.activation",
        }.get(path)

    read = []
    names = ["/stages.0/attn/Softmax", "/stages.0/mlp/mlp.2/Mul_1"]
    assert resolve(names, GRAPH, translator, lambda: read.append(1) or {}) and made == [] and read == []
    rows = resolve(["/network.0/convffn/fc1/Conv", "/network.0/activation/Mul_1", "/network.9/Conv"], GRAPH, translator)
    assert made == [1]  # once for all the names
    assert statuses(rows) == [
        ("translated", "/stages.0/mlp/fc1/Conv"),
        ("translated", "/stem/stem.0/act/Mul_1"),  # `activation` has no weights, so no mapping: stem.0's only Mul
        ("unresolved", None),
    ]
    assert rows[0]["how"] == "network.0.convffn.fc1 is stages.0.mlp.fc1 here; module stages.0.mlp.fc1"


def test_a_node_onnxsim_fused_is_the_one_node_that_reads_its_weights_else_said_removed():
    exported = {"/blocks.1/fc1/MatMul": ["onnx::MatMul_7"], "/stages.0/mlp/fc1/Mul": []}
    rows = resolve(["/blocks.1/fc1/MatMul", "/stages.0/mlp/fc1/Mul"], GRAPH, exported=lambda: exported)
    assert statuses(rows) == [("translated", "Gemm_7"), ("unresolved", None)]
    assert rows[0]["how"] == "onnxsim made it part of Gemm_7, which reads its weights"
    assert rows[1]["how"] == "onnxsim removed it (it is in the exported graph)"


def test_timm_maps_apples_fastvit_names_to_its_own():
    """The real mapping (timm's checkpoint_filter_fn), with the stage ends of Apple's flat network list: SA12 has a
    positional embedding before its last stage, which shifts that stage's index by one."""
    from zooforge.model.timm_names import timm_translator

    t8 = timm_translator("fastvit_t8")
    assert t8("network.4.3.convffn.conv.conv") == "stages.2.blocks.3.mlp.conv.conv"
    assert t8("network.1.proj.1.activation") == "stages.1.downsample.proj.1.activation"
    assert t8("patch_embed.0.activation") == "stem.0.activation"
    sa12 = timm_translator("fastvit_sa12")
    assert sa12("network.7.1.token_mixer") == "stages.3.blocks.1.token_mixer"
    assert sa12("network.6.pe") == "stages.3.pos_emb.pos_enc"
    assert timm_translator("resnet18") is None  # its timm module keeps no mapping of original checkpoints
