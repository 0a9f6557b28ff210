/* Kiln's instruction counter for QEMU TCG (plugin API version 1, QEMU 7.x).
 * Counts every guest instruction executed (inline add per translated block, exact) and, when
 * given mark=<hex address>, snapshots the running total each time the instruction at that
 * address executes, so a harness can bracket regions by calling a marker function. With
 * range=<hex lo>-<hex hi> (up to 16) it also counts the instructions executed inside each
 * address range (one function, from the symbol table).
 * Output (with -d plugin): "kiln-icount total=<n> marks=<n1>,<n2>,... ranges=<r1>,<r2>,..."
 * Debian ships no qemu-plugin.h: the few prototypes are declared here. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
typedef void (*tb_trans_cb)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*udata_cb)(qemu_plugin_id_t, void *);
typedef void (*vcpu_udata_cb)(unsigned int, void *);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *, size_t);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, tb_trans_cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *, enum qemu_plugin_op, void *, uint64_t);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *, enum qemu_plugin_op, void *, uint64_t);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *, vcpu_udata_cb, enum qemu_plugin_cb_flags, void *);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, udata_cb, void *);
void qemu_plugin_outs(const char *);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define MAX_MARKS 4096
#define MAX_RANGES 16
static uint64_t total, mark_addr = UINT64_MAX, marks[MAX_MARKS];
static unsigned n_marks;
static uint64_t range_lo[MAX_RANGES], range_hi[MAX_RANGES], range_count[MAX_RANGES];
static unsigned n_ranges;

static void on_mark(unsigned int vcpu, void *u) {
  (void)vcpu; (void)u;
  if (n_marks < MAX_MARKS) marks[n_marks++] = total;
}

static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  size_t n = qemu_plugin_tb_n_insns(tb);
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &total, n);
  for (size_t i = 0; i < n; i++) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    uint64_t pc = qemu_plugin_insn_vaddr(insn);
    if (pc == mark_addr) qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
    for (unsigned r = 0; r < n_ranges; r++)
      if (pc >= range_lo[r] && pc < range_hi[r])
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &range_count[r], 1);
  }
}

static void print_list(const char *name, const uint64_t *values, unsigned n) {
  char buf[64];
  qemu_plugin_outs(name);
  for (unsigned i = 0; i < n; i++) {
    snprintf(buf, sizeof buf, i ? ",%llu" : "%llu", (unsigned long long)values[i]);
    qemu_plugin_outs(buf);
  }
}

static void report(qemu_plugin_id_t id, void *u) {
  (void)id; (void)u;
  char buf[64];
  snprintf(buf, sizeof buf, "kiln-icount total=%llu", (unsigned long long)total);
  qemu_plugin_outs(buf);
  print_list(" marks=", marks, n_marks);
  print_list(" ranges=", range_count, n_ranges);
  qemu_plugin_outs("\n");
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc, char **argv) {
  (void)info;
  for (int i = 0; i < argc; i++) {
    if (strncmp(argv[i], "mark=", 5) == 0) {
      mark_addr = strtoull(argv[i] + 5, NULL, 16) & ~1ull;
    } else if (strncmp(argv[i], "range=", 6) == 0 && n_ranges < MAX_RANGES) {
      char *end;
      range_lo[n_ranges] = strtoull(argv[i] + 6, &end, 16) & ~1ull;
      range_hi[n_ranges] = *end == '-' ? strtoull(end + 1, NULL, 16) : 0;
      n_ranges++;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
  qemu_plugin_register_atexit_cb(id, report, NULL);
  return 0;
}
