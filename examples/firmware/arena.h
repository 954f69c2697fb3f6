/* Force-included into kws.c (see CMakeLists.txt, which also defines kws_ARENA=firmware_arena): the declaration
   of the firmware's own arena buffer, defined in main.c. This is how an arena is placed in a chosen memory (give
   the definition a section attribute the linker script knows, e.g. DTCM) or shared by models run one after
   the other. */
#include <stdint.h>
extern uint8_t firmware_arena[];
