/* A QEMU TCG plugin counting executed guest instructions (Debian's QEMU runs
   plugins but ships none). Prints "emlc-insns N" to stderr at exit. With the
   argument profile=FILE it also writes, per translated block, its start
   address and the instructions it executed ("0xADDR N" lines), which
   scripts/profile_mcu.py maps to functions. The few
   declarations it needs from QEMU's plugin API (stable C ABI, version 1 as in
   QEMU 7.2) are written out here, as Debian ships no qemu-plugin.h. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op, void *ptr,
                                              uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t insns; /* one vCPU: MCU machines are single-core */

/* Profile mode: one counter per translated block (a block translated again
   gets another record; the script sums records of one address). */
struct block {
  uint64_t vaddr, insns;
  struct block *next;
};
static struct block *blocks;
static const char *profile_path;

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &insns, qemu_plugin_tb_n_insns(tb));
  if (profile_path) {
    struct block *b = calloc(1, sizeof *b);
    if (!b)
      return;
    b->vaddr = qemu_plugin_tb_vaddr(tb), b->next = blocks, blocks = b;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->insns, qemu_plugin_tb_n_insns(tb));
  }
}

static void report_at_exit(qemu_plugin_id_t id, void *userdata) {
  (void)id, (void)userdata;
  fprintf(stderr, "emlc-insns %" PRIu64 "\n", insns);
  if (profile_path) {
    FILE *f = fopen(profile_path, "w");
    const struct block *b;
    for (b = blocks; f && b; b = b->next)
      if (b->insns)
        fprintf(f, "0x%" PRIx64 " %" PRIu64 "\n", b->vaddr, b->insns);
    if (f)
      fclose(f);
  }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                                               char **argv) {
  int i;
  (void)info;
  for (i = 0; i < argc; ++i)
    if (strncmp(argv[i], "profile=", 8) == 0)
      profile_path = argv[i] + 8;
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, report_at_exit, NULL);
  return 0;
}
